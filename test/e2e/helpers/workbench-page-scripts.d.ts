// Types of the functions in workbench-page-scripts.js, which run inside the page.
export function treeOrder(): string[]
export function treeShows(expectedJson: string): boolean
export function focusedNodeId(): string | null
export function nodeHasFocus(id: string | null): boolean
export function focusedTestId(): string | null
export function testIdHasFocus(testId: string): boolean
export function inputValues(testId: string): string[]
export function rowKinds(testId: string): string[]
export interface ReplayRowPart {
  text: string
  title: string | null
  /** Cut short (its text wider than its box), ending in an ellipsis. */
  cut: boolean
}
/** A part is null when the row has no such element. */
export function replayRows(): Array<{ request: ReplayRowPart | null; status: ReplayRowPart | null; actions: Record<string, boolean> }>
export function startTextWatch(testId: string): void
export function watchedTexts(): string[]
export function startJankWatch(): void
export function stopJankWatch(): { longestTask: number; longestFrame: number; longTasks: number }
export function nextFrame(): Promise<void>
export function focusedNodeShown(nameEnd: string): boolean
