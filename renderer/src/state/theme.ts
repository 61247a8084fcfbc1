// The color theme: the user's choice (system, light, dark) resolved against the system preference,
// and applied as data-theme on the root element, which the style sheet's custom properties follow.
export type ThemeChoice = 'system' | 'light' | 'dark'

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
}

export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system'
}

export function applyTheme(theme: 'light' | 'dark', root: HTMLElement = document.documentElement): void {
  if (root.dataset.theme !== theme) root.dataset.theme = theme
  root.style.colorScheme = theme
}

export function watchSystemDark(onChange: (dark: boolean) => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {}
  const query = window.matchMedia('(prefers-color-scheme: dark)')
  onChange(query.matches)
  const listener = (event: MediaQueryListEvent) => onChange(event.matches)
  query.addEventListener('change', listener)
  return () => query.removeEventListener('change', listener)
}

const REMEMBERED_KEY = 'hookscope.theme'

function localStore(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return window.localStorage
  } catch {
    return null // Storage refused (a sandboxed frame, private mode).
  }
}

/**
 * The choice last shown, kept in the browser's storage so that a reload starts in it: the settings
 * that hold it arrive from the engine only after the page is drawn, which would show the system's
 * theme first.
 */
export function rememberedTheme(storage = localStore()): ThemeChoice | null {
  try {
    const kept = storage?.getItem(REMEMBERED_KEY)
    return kept === 'system' || kept === 'light' || kept === 'dark' ? kept : null
  } catch {
    return null
  }
}

export function rememberTheme(choice: ThemeChoice, storage = localStore()): void {
  try {
    if (storage?.getItem(REMEMBERED_KEY) !== choice) storage?.setItem(REMEMBERED_KEY, choice)
  } catch {
    // Not kept: the next reload shows the system's theme until the settings arrive.
  }
}
