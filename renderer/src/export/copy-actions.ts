// The copy commands shared by buttons and shortcuts: fetch the full capture and its raw body, build
// the request, format it, put it on the clipboard and say what happened.
import type { ApiClient } from '../../../shared/api'
import { HookscopeError, errorMessage } from '../../../shared/errors'
import type { CaptureSummary } from '../../../shared/model'
import type { RequestSpec } from '../../../shared/formats/types'
import { loadWholeBody } from '../body/body-loader'
import type { AppStore } from '../state/app-store'
import type { TrafficStore } from '../state/traffic-store'
import { copyText } from '../text/clipboard'
import { captureToRequestSpec } from './capture-request'
import { curlCommandFor } from './curl-command'

export const COPY_BODY_MAX_BYTES = 16 * 1024 * 1024

/**
 * A request is listed when its headers arrive and stored once it is received and answered: until then
 * the engine has nothing to read (its body may still be arriving, or its answer waiting out a delay).
 */
export function isStillInProgress(error: unknown, listed: CaptureSummary | undefined): boolean {
  return error instanceof HookscopeError && error.code === 'NOT_FOUND' && listed !== undefined && listed.status === null && listed.durationMs === null
}

/** Copying a request that is not stored yet: what it waits for, and when it can be copied. */
export class StillInProgressError extends Error {
  constructor(what: string) {
    super(`This request is still in progress (its body is still arriving, or its answer is on its way): it can be copied as ${what} once it is received and answered.`)
  }
}

export async function loadRequestSpec(api: ApiClient, app: AppStore, traffic: TrafficStore, id: string, what = 'code'): Promise<{ request: RequestSpec; complete: boolean }> {
  let capture
  try {
    capture = await api['captures.get']({ id })
  } catch (error) {
    if (isStillInProgress(error, traffic.getState().byId[id])) throw new StillInProgressError(what)
    throw error
  }
  const body = capture.body.size > 0 ? await loadWholeBody(api, id, COPY_BODY_MAX_BYTES) : { bytes: new Uint8Array(0), complete: true }
  const endpointUrl = app.getState().statusById[capture.endpointId]?.url ?? null
  return { request: captureToRequestSpec(capture, endpointUrl, body.bytes), complete: body.complete }
}

export async function copyAsCurl(api: ApiClient, app: AppStore, traffic: TrafficStore, id: string): Promise<string | null> {
  try {
    const { request, complete } = await loadRequestSpec(api, app, traffic, id, 'cURL')
    const command = curlCommandFor(request)
    const copied = await copyText(command)
    const suffix = complete ? '' : ' (body cut at 16 MB)'
    app.getState().showToast(copied ? `Copied as cURL${suffix}` : 'The clipboard refused the text', copied ? 'info' : 'error')
    return command
  } catch (error) {
    if (error instanceof StillInProgressError) {
      app.getState().showToast(error.message, 'info')
      return null
    }
    app.getState().showToast(`Could not copy as cURL: ${errorMessage(error)}`, 'error')
    return null
  }
}
