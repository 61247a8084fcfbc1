// Types of the functions in page-scripts.js, which run inside the page.
export function editorText(selector: string): string
export function firstVisibleRow(): { id: string; offset: number } | null
export function injectionReport(): { pwned: unknown; foreign: string[]; svgs: number; handlers: string[]; images: string[] }
export function listShows(args: readonly [expectedPathsJson: string, countText: string]): boolean
export function timelineHasBars(layer: string): boolean
export function timelineKey(): Array<{ text: string | null; swatch: string | null; bars: string | null; visible: boolean }>
export function pageTheme(): { theme: string | undefined; background: string }
export function checkboxChecked(testId: string): boolean
export function setLocationHash(hash: string): void
export function pretendBackground(): void
export function shownNotifications(): Array<{ title: string; body: string }>
export function readClipboard(): Promise<string>
export function listScrolledTo(min: number): boolean
export function rowCountWithPath(args: readonly [path: string, count: number]): boolean
export function imageHasWidth(args: readonly [testId: string, width: number]): boolean
export function checkboxUnchecked(testId: string): boolean
export function hasNotifications(): boolean
export function startFrameWatch(): void
export function stopFrameWatch(): number
export function rowCellOverflow(captureId: string): Array<{ cell: string; overflows: boolean; clipped: boolean; displayed: boolean; width: number }>
export function noPendingRows(): boolean
export function attributesAre(args: readonly [testId: string, json: string]): boolean
export function widthIs(args: readonly [selector: string, width: number]): boolean
export function backgroundContrast(args: readonly [testId: string, over: string]): number
export function textContrast(selector: string): number
export function rowBadges(captureId: string): { title: string | null; ellipsis: boolean; badges: Array<{ testId: string; shown: string; inside: boolean }> }
export function fullyShown(testId: string): boolean
export interface Box {
  left: number
  top: number
  right: number
  bottom: number
}
export function fieldLayout(testId: string): { input: Box; label: Box; hint: Box | null }
export function linesShown(testId: string): number
export function aboveFold(selector: string): boolean
export function axeViolations(): Promise<string[]>
export function hasAxe(): boolean
export function focusedPlace(): { testId: string | null; index: number }
export function focusOnAControl(): boolean
export function focusedId(): string
export function decodeEveryByte(label: string): number[]
export function documentEncoding(): string
export interface ButtonLook {
  fill: number[]
  label: number[]
  surface: number[]
  labelContrast: number
  fillContrast: number
  labelLighter: boolean
  chroma: number
}
export function buttonLook(testId: string): ButtonLook
export function buttonFit(testId: string): { shown: string; lines: number; inside: boolean; top: number; bottom: number; middle: number }
export function textWithin(selectors: readonly [textSelector: string, boxSelector: string]): boolean
