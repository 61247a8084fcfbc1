// Functions the accessibility end-to-end tests run inside the page to measure how it looks: what lies
// outside the window, the contrast of fields' borders and of the focus ring. Plain JavaScript because the
// node-side TypeScript project has no DOM types; look-scripts.d.ts types them. Each is sent to the page
// alone, so none calls another.
/* global document, window, getComputedStyle */

/** How far the page is wider or taller than the window, and the controls of `selector` not wholly within it. */
export function outsideWindow(selector) {
  const root = document.documentElement
  const cut = Array.from(document.querySelectorAll(selector))
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => {
      const box = el.getBoundingClientRect()
      return box.left < -0.5 || box.top < -0.5 || box.right > window.innerWidth + 0.5 || box.bottom > window.innerHeight + 0.5
    })
    .map((el) => el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent.trim())
  return { wider: root.scrollWidth - window.innerWidth, taller: root.scrollHeight - window.innerHeight, cut }
}

/**
 * The WCAG contrast of each shown field's border (text fields, dropdowns, text areas) against what lies
 * around it, with its data-testid: the border is what tells where a field is (1.4.11 asks 3:1). Only
 * those within `scope` (a selector; the whole page when null).
 */
export function fieldBorderContrasts(scope) {
  const rgba = (color) => {
    const [r, g, b, a = '1'] = color.match(/[\d.]+/g) ?? ['0', '0', '0', '0']
    return [Number(r), Number(g), Number(b), Number(a)]
  }
  const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3])).concat(1)
  const luminance = ([r, g, b]) => {
    const f = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
  }
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }
  const surface = (el) => {
    const layers = []
    for (let at = el; at; at = at.parentElement) {
      const color = rgba(getComputedStyle(at).backgroundColor)
      if (color[3] > 0) layers.push(color)
      if (color[3] >= 1) break
    }
    return layers.reduceRight((base, layer) => over(layer, base), [255, 255, 255, 1])
  }
  return Array.from((scope ? document.querySelector(scope) : document).querySelectorAll('input:not([type="checkbox"]):not([type="radio"]):not([type="file"]):not([type="hidden"]), select, textarea'))
    .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).opacity !== '0' && el.getAttribute('aria-invalid') !== 'true')
    .map((el) => {
      const around = surface(el.parentElement)
      return { testId: el.getAttribute('data-testid') ?? el.id, contrast: Math.round(ratio(over(rgba(getComputedStyle(el).borderTopColor), around), around) * 100) / 100 }
    })
}

/**
 * How the focused control shows that it has the focus: the element drawing the ring (the control, or the
 * editor or box around it), the ring's width and WCAG contrast against what surrounds it, and the sides
 * of the ring that a scrolling or clipping box around it hides.
 */
export function focusRing() {
  const active = document.activeElement
  if (!active || active === document.body) return null
  const rgba = (color) => {
    const [r, g, b, a = '1'] = color.match(/[\d.]+/g) ?? ['0', '0', '0', '0']
    return [Number(r), Number(g), Number(b), Number(a)]
  }
  const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3])).concat(1)
  const luminance = ([r, g, b]) => {
    const f = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
  }
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }
  const surface = (el) => {
    const layers = []
    for (let at = el; at; at = at.parentElement) {
      const color = rgba(getComputedStyle(at).backgroundColor)
      if (color[3] > 0) layers.push(color)
      if (color[3] >= 1) break
    }
    return layers.reduceRight((base, layer) => over(layer, base), [255, 255, 255, 1])
  }
  let ring = active
  for (let at = active, up = 0; at && up < 4; at = at.parentElement, up++) {
    const style = getComputedStyle(at)
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
      ring = at
      break
    }
  }
  const style = getComputedStyle(ring)
  const width = style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth)
  const offset = parseFloat(style.outlineOffset) || 0
  const around = offset + width / 2 < 0 ? surface(ring) : surface(ring.parentElement)
  const box = ring.getBoundingClientRect()
  const outer = { left: box.left - offset - width, top: box.top - offset - width, right: box.right + offset + width, bottom: box.bottom + offset + width }
  const hidden = new Set()
  for (let at = ring.parentElement; at && at !== document.documentElement; at = at.parentElement) {
    const clip = getComputedStyle(at)
    if (clip.overflowX === 'visible' && clip.overflowY === 'visible') continue
    const edge = at.getBoundingClientRect()
    const inner = {
      left: edge.left + parseFloat(clip.borderLeftWidth),
      top: edge.top + parseFloat(clip.borderTopWidth),
      right: edge.right - parseFloat(clip.borderRightWidth),
      bottom: edge.bottom - parseFloat(clip.borderBottomWidth),
    }
    // A side is hidden when less than half the ring's width shows on it.
    if (outer.left < inner.left - 0.5 && box.left - offset - width / 2 < inner.left) hidden.add('left')
    if (outer.top < inner.top - 0.5 && box.top - offset - width / 2 < inner.top) hidden.add('top')
    if (outer.right > inner.right + 0.5 && box.right + offset + width / 2 > inner.right) hidden.add('right')
    if (outer.bottom > inner.bottom + 0.5 && box.bottom + offset + width / 2 > inner.bottom) hidden.add('bottom')
  }
  return {
    testId: active.getAttribute('data-testid') ?? active.id ?? active.tagName,
    width,
    contrast: width === 0 ? 0 : Math.round(ratio(over(rgba(style.outlineColor), around), around) * 100) / 100,
    hidden: Array.from(hidden),
  }
}

/**
 * The lowest WCAG contrast of the text shown within the element with this data-testid, as drawn: each
 * text's colour faded by the opacity of the boxes around it, over the backgrounds behind it.
 */
export function shownTextContrast(testId) {
  const rgba = (color) => {
    const [r, g, b, a = '1'] = color.match(/[\d.]+/g) ?? ['0', '0', '0', '0']
    return [Number(r), Number(g), Number(b), Number(a)]
  }
  const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3])).concat(1)
  const luminance = ([r, g, b]) => {
    const f = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
  }
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }
  const surface = (el) => {
    const layers = []
    for (let at = el; at; at = at.parentElement) {
      const color = rgba(getComputedStyle(at).backgroundColor)
      if (color[3] > 0) layers.push(color)
      if (color[3] >= 1) break
    }
    return layers.reduceRight((base, layer) => over(layer, base), [255, 255, 255, 1])
  }
  const root = document.querySelector(`[data-testid="${testId}"]`)
  let lowest = Infinity
  const walker = document.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent.trim() === '') continue
    const el = node.parentElement
    let opacity = 1
    for (let at = el; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity)
    const behind = surface(el)
    const color = rgba(getComputedStyle(el).color)
    lowest = Math.min(lowest, ratio(over([color[0], color[1], color[2], color[3] * opacity], behind), behind))
  }
  return Math.round(lowest * 100) / 100
}

/** The controls of `selector` that something else covers at their middle (a notice, a panel over them). */
export function coveredControls(selector) {
  return Array.from(document.querySelectorAll(selector))
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => {
      const box = el.getBoundingClientRect()
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
      return top === null || !(el === top || el.contains(top))
    })
    .map((el) => el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent.trim())
}

/**
 * How opaque the focus ring of the focused control is drawn: the opacity of the element drawing it (the
 * control, or the box around it within four levels, as `focusRing` finds it) times that of the boxes
 * around it. A transparent control (a file picker laid over its button) shows no ring of its own.
 */
export function focusRingOpacity() {
  const active = document.activeElement
  if (!active || active === document.body) return 0
  let ring = active
  for (let at = active, up = 0; at && up < 4; at = at.parentElement, up++) {
    const style = getComputedStyle(at)
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
      ring = at
      break
    }
  }
  let opacity = 1
  for (let at = ring; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity)
  return opacity
}
