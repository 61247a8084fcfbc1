// What jsdom lacks and the renderer's libraries expect: layout boxes for CodeMirror and the
// virtualized list and collection tree, blob URLs, and element scrolling. Imported first by each renderer test file.
import { afterEach } from 'vitest'
import { cleanup } from '@testing-library/react'

const emptyRects = () => ({ length: 0, item: () => null, [Symbol.iterator]: function* () {} }) as unknown as DOMRectList
const zeroRect = () => ({ x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) }) as DOMRect

if (!Range.prototype.getClientRects) Range.prototype.getClientRects = emptyRects
if (!Range.prototype.getBoundingClientRect) Range.prototype.getBoundingClientRect = zeroRect

const isListBox = (element: Element) => element.classList.contains('traffic-scroll') || element.classList.contains('collection-tree')
const listBox = (element: Element, size: number) => (isListBox(element) ? size : 0)
Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get(this: Element) { return listBox(this, 600) } })
Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get(this: Element) { return listBox(this, 900) } })
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return isListBox(this) ? 600 : 0
  },
})
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
  configurable: true,
  get(this: HTMLElement) {
    return isListBox(this) ? 900 : 0
  },
})
if (!Element.prototype.scrollTo) {
  Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options && typeof options.top === 'number') this.scrollTop = options.top
  } as Element['scrollTo']
}

let blobCount = 0
if (!URL.createObjectURL) URL.createObjectURL = () => `blob:http://localhost/${++blobCount}`
if (!URL.revokeObjectURL) URL.revokeObjectURL = () => {}

afterEach(() => {
  cleanup()
  // What a test kept in this browser's storage (the composer's draft and timeout, the detail's width)
  // is not the next test's: writes still waiting are made first (as when the page goes), then dropped.
  window.dispatchEvent(new Event('pagehide'))
  localStorage.clear()
})
