// The end-to-end plumbing in one import: build, host, browser, senders, and a fixture that ties them.
export * from './build'
export * from './browser'
export * from './host'
export * from './send'
export * from './fixture'
export * as pageScripts from './page-scripts.js'
