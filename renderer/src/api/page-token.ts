// The per-run token of the headless host. Owns: taking it from the page URL fragment (#token=...),
// keeping it in sessionStorage so a reload still connects, and removing it from the address bar.
// Never: sends the token anywhere but the WebSocket subprotocol.

export const TOKEN_STORAGE_KEY = 'hookscope.token'

export interface TokenEnvironment {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>
  history: Pick<History, 'replaceState'>
  storage: Pick<Storage, 'getItem' | 'setItem'>
}

function tokenFromFragment(hash: string): string | null {
  if (!hash.startsWith('#')) return null
  const token = new URLSearchParams(hash.slice(1)).get('token')
  return token && token.length > 0 ? token : null
}

/** The token from the fragment if there is one (stored and wiped from the URL), else the stored one. */
export function takePageToken(env: TokenEnvironment): string | null {
  const fromFragment = tokenFromFragment(env.location.hash)
  if (fromFragment) {
    try {
      env.storage.setItem(TOKEN_STORAGE_KEY, fromFragment)
    } catch {}
    env.history.replaceState(null, '', `${env.location.pathname}${env.location.search}`)
    return fromFragment
  }
  try {
    return env.storage.getItem(TOKEN_STORAGE_KEY)
  } catch {
    return null
  }
}

export function browserTokenEnvironment(): TokenEnvironment {
  return { location: window.location, history: window.history, storage: window.sessionStorage }
}
