// Types of the functions in look-scripts.js, which run inside the page.
export function outsideWindow(selector: string): { wider: number; taller: number; cut: string[] }
export function fieldBorderContrasts(scope: string | null): Array<{ testId: string; contrast: number }>
export function focusRing(): { testId: string; width: number; contrast: number; hidden: string[] } | null
export function shownTextContrast(testId: string): number
export function coveredControls(selector: string): string[]
export function focusRingOpacity(): number
