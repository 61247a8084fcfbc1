// The two Electron IPC channels. Every Api method travels over `invoke` (its name is an argument,
// checked against the contract), every Api event over `event`. No other channel exists.
export const IPC_INVOKE = 'hookscope:invoke'
export const IPC_EVENT = 'hookscope:event'
/** The renderer's origin in the desktop app: a custom scheme, never file://. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'hookscope'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
