// Functions that run inside the page (passed to page.evaluate / page.waitForFunction). Plain
// JavaScript because the node-side TypeScript project has no DOM types; page-scripts.d.ts types them.
/* global document, window, getComputedStyle, TextDecoder, NodeFilter */

/** The text of every CodeMirror document under `selector`, joined by newlines. */
export function editorText(selector) {
  return Array.from(document.querySelectorAll(`${selector} .cm-line`))
    .map((line) => line.textContent)
    .join('\n')
}

/** The first row whose top is inside the list viewport: its capture id and offset from the top. */
export function firstVisibleRow() {
  const scroll = document.querySelector('[data-testid="traffic-scroll"]')
  const top = scroll.getBoundingClientRect().top
  const rows = Array.from(document.querySelectorAll('[data-testid="traffic-row"]'))
    .filter((row) => row.getBoundingClientRect().top >= top - 1)
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
  const first = rows[0]
  return first ? { id: first.dataset.captureId, offset: Math.round(first.getBoundingClientRect().top - top) } : null
}


/** Anything captured text could have turned into: foreign elements, handlers, non-blob images. */
export function injectionReport() {
  const foreign = Array.from(document.querySelectorAll('script:not([src]), iframe, object, embed, a[href^="javascript" i]')).map((e) => e.outerHTML.slice(0, 80))
  const svgs = Array.from(document.querySelectorAll('svg')).filter((svg) => !svg.closest('[data-testid="timeline"]')).length
  const handlers = Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}[${a.name}]`))
  const images = Array.from(document.querySelectorAll('img[src]'))
    .map((img) => img.getAttribute('src'))
    .filter((src) => !src.startsWith('blob:'))
  return { pwned: window.__pwned ?? null, foreign, svgs, handlers, images }
}

/** True when the list shows exactly these paths (in order) and this count text. */
export function listShows([expectedPaths, countText]) {
  const paths = Array.from(document.querySelectorAll('[data-testid="row-path"]')).map((e) => e.textContent)
  return JSON.stringify(paths) === expectedPaths && document.querySelector('[data-testid="traffic-count"]')?.textContent === countText
}


export function timelineHasBars(layer) {
  return (document.querySelector(`[data-testid="timeline-${layer}"]`)?.getAttribute('d') ?? '').length > 0
}

/** Each entry of the timeline's key: its words, its swatch's color and the color its bars are filled with. */
export function timelineKey() {
  const layers = ['2xx', '3xx', '4xx', '5xx', 'none']
  return Array.from(document.querySelectorAll('[data-testid="timeline-key-item"]'), (item, i) => {
    const swatch = item.querySelector('.timeline-swatch')
    const bars = document.querySelector(`[data-testid="timeline-${layers[i]}"]`)
    const box = item.getBoundingClientRect()
    return {
      text: item.textContent,
      swatch: swatch ? getComputedStyle(swatch).backgroundColor : null,
      bars: bars ? getComputedStyle(bars).fill : null,
      visible: box.width > 0 && box.height > 0,
    }
  })
}


export function pageTheme() {
  return { theme: document.documentElement.dataset.theme, background: getComputedStyle(document.body).backgroundColor }
}

export function checkboxChecked(testId) {
  return document.querySelector(`[data-testid="${testId}"]`)?.checked === true
}

export function setLocationHash(hash) {
  window.location.hash = hash
}

export function pretendBackground() {
  document.hasFocus = () => false
}

export function shownNotifications() {
  return window.__notifications ?? []
}

export function readClipboard() {
  return window.navigator.clipboard.readText()
}

export function listScrolledTo(min) {
  return (document.querySelector('[data-testid="traffic-scroll"]')?.scrollTop ?? 0) >= min
}

export function rowCountWithPath([path, count]) {
  return Array.from(document.querySelectorAll('[data-testid="row-path"]')).filter((e) => e.textContent === path).length === count
}

export function imageHasWidth([testId, width]) {
  return document.querySelector(`[data-testid="${testId}"]`)?.naturalWidth === width
}

export function checkboxUnchecked(testId) {
  return document.querySelector(`[data-testid="${testId}"]`)?.checked === false
}

export function hasNotifications() {
  return (window.__notifications ?? []).length > 0
}

/** Starts recording the longest gap between animation frames (read it with stopFrameWatch). */
export function startFrameWatch() {
  const watch = { running: true, last: 0, longest: 0 }
  window.__frameWatch = watch
  const tick = (t) => {
    if (!watch.running) return
    if (watch.last) watch.longest = Math.max(watch.longest, t - watch.last)
    watch.last = t
    window.requestAnimationFrame(tick)
  }
  window.requestAnimationFrame(tick)
}

export function stopFrameWatch() {
  const watch = window.__frameWatch
  watch.running = false
  return watch.longest
}

/** For each cell of the row showing this capture: whether its text is wider than the cell, whether the cell clips it, whether it is displayed at all, and its width. */
export function rowCellOverflow(captureId) {
  const row = document.querySelector(`[data-testid="traffic-row"][data-capture-id="${captureId}"]`)
  return Array.from(row.children).map((cell) => {
    const range = document.createRange()
    range.selectNodeContents(cell)
    return {
      cell: cell.className.split(' ')[1],
      overflows: range.getBoundingClientRect().width > cell.getBoundingClientRect().width + 0.5,
      clipped: getComputedStyle(cell).overflowX !== 'visible',
      displayed: getComputedStyle(cell).display !== 'none',
      width: Math.round(cell.getBoundingClientRect().width),
    }
  })
}

/** True when every row the list shows is loaded: no placeholder of a page still on its way. */
export function noPendingRows() {
  return document.querySelectorAll('[data-testid="pending-row"]').length === 0
}

/** Whether the element with this test id has these attribute values (given as JSON). */
export function attributesAre([testId, json]) {
  const element = document.querySelector(`[data-testid="${testId}"]`)
  return element !== null && Object.entries(JSON.parse(json)).every(([name, value]) => element.getAttribute(name) === value)
}

/** Whether the first element the selector finds is this many pixels wide (rounded). */
export function widthIs([selector, width]) {
  const element = document.querySelector(selector)
  return element !== null && Math.round(element.getBoundingClientRect().width) === width
}

/** The contrast ratio of the element's background, drawn over the one of the element `over` finds, against the latter. */
export function backgroundContrast([testId, over]) {
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 1
  const context = canvas.getContext('2d', { willReadFrequently: true })
  const pixel = (colors) => {
    context.clearRect(0, 0, 1, 1)
    for (const color of colors) {
      context.fillStyle = color
      context.fillRect(0, 0, 1, 1)
    }
    return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3))
  }
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const base = getComputedStyle(document.querySelector(over)).backgroundColor
  const top = getComputedStyle(document.querySelector(`[data-testid="${testId}"]`)).backgroundColor
  const [a, b] = [luminance(pixel([base, top])), luminance(pixel([base]))]
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
}

/** WCAG contrast ratio between the text colour and the background colour of the first element matching `selector`. */
export function textContrast(selector) {
  const element = document.querySelector(selector)
  if (!element) return 0
  const style = getComputedStyle(element)
  const luminance = (color) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((c) => {
      const s = Number(c) / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a)
  return (light + 0.05) / (dark + 0.05)
}

/**
 * The badges of the row showing this capture: the text each shows (its short form when the list shows
 * that instead of the label), and whether its box lies wholly inside the badge cell; with whether the
 * cell hides what does not fit behind an ellipsis, and the cell's title.
 */
export function rowBadges(captureId) {
  const cell = document.querySelector(`[data-testid="traffic-row"][data-capture-id="${captureId}"] .cell.flags`)
  const box = cell.getBoundingClientRect()
  const style = getComputedStyle(cell)
  return {
    title: cell.getAttribute('title'),
    ellipsis: style.overflowX === 'hidden' && style.textOverflow === 'ellipsis',
    badges: Array.from(cell.children).map((badge) => {
      const label = badge.firstElementChild
      const rect = badge.getBoundingClientRect()
      return {
        testId: badge.dataset.testid,
        shown: label && getComputedStyle(label).display === 'none' ? badge.dataset.short : badge.textContent,
        inside: rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5 && rect.top >= box.top - 0.5 && rect.bottom <= box.bottom + 0.5,
      }
    }),
  }
}

/** Whether the element with this test id is in the window and on top just inside each side of its box and at its middle (nothing clips or covers it). */
export function fullyShown(testId) {
  const element = document.querySelector(`[data-testid="${testId}"]`)
  if (!element) return false
  const rect = element.getBoundingClientRect()
  const middleX = (rect.left + rect.right) / 2
  const middleY = (rect.top + rect.bottom) / 2
  // Just inside the middle of each side (a rounded corner's very corner is not the element's) and the middle.
  const points = [
    [middleX, rect.top + 2],
    [middleX, rect.bottom - 2],
    [rect.left + 2, middleY],
    [rect.right - 2, middleY],
    [middleX, middleY],
  ]
  return points.every(([x, y]) => {
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false
    const hit = document.elementFromPoint(x, y)
    return hit !== null && (hit === element || element.contains(hit))
  })
}

/** The boxes of a form field (the input with this test id), of its label, and of the label's hint (its muted part). */
export function fieldLayout(testId) {
  const input = document.querySelector(`[data-testid="${testId}"]`)
  const label = input.closest('label')
  const hint = label.querySelector('.muted')
  const box = (element) => {
    const rect = element.getBoundingClientRect()
    return { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom }
  }
  return { input: box(input), label: box(label), hint: hint ? box(hint) : null }
}

/** How many lines of its text the element with this test id shows (its height over its line height). */
export function linesShown(testId) {
  const element = document.querySelector(`[data-testid="${testId}"]`)
  return element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)
}

/** Whether the whole of the first element this selector finds is above the bottom of the window. */
export function aboveFold(selector) {
  return document.querySelector(selector).getBoundingClientRect().bottom <= window.innerHeight
}

/** axe-core's WCAG 2.1 A and AA violations on the page (axe loaded first), one line each with the nodes at fault. */
export async function axeViolations() {
  const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
  return result.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1).join(' ')}`).join('; ')}`)
}

/** Whether axe-core is loaded in the page. */
export function hasAxe() {
  return 'axe' in window
}

/** The focused element's data-testid (null without one), and its place among the page's elements with that id. */
export function focusedPlace() {
  const active = document.activeElement
  const testId = active?.getAttribute('data-testid') ?? null
  return { testId, index: testId === null ? -1 : Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).indexOf(active) }
}

/** The DOM id of the focused element ('' without one). */
export function focusedId() {
  return document.activeElement?.id ?? ''
}

/** Whether something other than the page's body holds the focus. */
export function focusOnAControl() {
  return document.activeElement !== null && document.activeElement !== document.body
}

/** Every byte value 0–255, in order, read by the page's TextDecoder in `label`: code points, one per byte. */
export function decodeEveryByte(label) {
  const text = new TextDecoder(label).decode(Uint8Array.from({ length: 256 }, (_, i) => i))
  return Array.from(text, (ch) => ch.codePointAt(0))
}

/** The encoding the page's document was read in, by its standard name. */
export function documentEncoding() {
  return new TextDecoder(document.characterSet).encoding
}

/**
 * A button as drawn: its fill over what lies behind it and its label over its fill (with the opacity of
 * the button and of its ancestors), as RGB; the WCAG contrast of the label against the fill and of the
 * fill against what lies behind it; and the fill's chroma, how far it is from a grey (0 a grey, 1 a pure
 * colour at full strength).
 */
export function buttonLook(testId) {
  const element = document.querySelector(`[data-testid="${testId}"]`)
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 1
  const context = canvas.getContext('2d', { willReadFrequently: true })
  const read = () => Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3))
  const paint = (color, alpha = 1) => {
    context.globalAlpha = alpha
    context.fillStyle = color
    context.fillRect(0, 0, 1, 1)
  }
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const contrast = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }
  const ancestors = []
  for (let node = element.parentElement; node; node = node.parentElement) ancestors.unshift(node)
  let opacity = 1
  for (let node = element; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity)
  // The canvas of the page, then each ancestor's background in turn.
  paint('#ffffff')
  for (const node of ancestors) paint(getComputedStyle(node).backgroundColor)
  const surface = read()
  const style = getComputedStyle(element)
  paint(style.backgroundColor, opacity)
  const fill = read()
  paint(style.color, opacity)
  const label = read()
  return {
    fill,
    label,
    surface,
    labelContrast: contrast(label, fill),
    fillContrast: contrast(fill, surface),
    labelLighter: luminance(label) > luminance(fill),
    chroma: (Math.max(...fill) - Math.min(...fill)) / 255,
  }
}

/**
 * Where a button stands and what of its label is shown: the text of its label as drawn (what is visually
 * hidden left out), the lines that text takes, whether its box lies within the window, and its box.
 */
export function buttonFit(testId) {
  const element = document.querySelector(`[data-testid="${testId}"]`)
  const rect = element.getBoundingClientRect()
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
  const tops = []
  let shown = ''
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.getBoundingClientRect().width <= 1) continue
    shown += node.textContent
    const range = document.createRange()
    range.selectNodeContents(node)
    for (const box of range.getClientRects()) if (box.width > 0) tops.push(box.top)
  }
  const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 16
  const lines = tops.sort((a, b) => a - b).filter((top, i, all) => i === 0 || top - all[i - 1] > lineHeight / 2).length
  return {
    shown,
    lines,
    inside: rect.left >= 0 && rect.top >= 0 && rect.right <= document.documentElement.clientWidth && rect.bottom <= window.innerHeight,
    top: rect.top,
    bottom: rect.bottom,
    middle: (rect.top + rect.bottom) / 2,
  }
}

/** Whether the text of the first element `textSelector` finds lies within the box of the first `boxSelector` finds, side to side. */
export function textWithin([textSelector, boxSelector]) {
  const text = document.querySelector(textSelector)
  const box = document.querySelector(boxSelector)
  if (!text || !box) return false
  const range = document.createRange()
  range.selectNodeContents(text)
  const shown = range.getBoundingClientRect()
  const outer = box.getBoundingClientRect()
  return shown.left >= outer.left - 0.5 && shown.right <= outer.right + 0.5 && box.scrollWidth <= box.clientWidth
}
