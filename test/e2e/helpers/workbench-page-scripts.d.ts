// Types of the functions in workbench-page-scripts.js, which run inside the page.
export function treeOrder(): string[]
export function treeShows(expectedJson: string): boolean
export function focusedNodeId(): string | null
export function nodeHasFocus(id: string | null): boolean
export function inputValues(testId: string): string[]
export function rowKinds(testId: string): string[]
