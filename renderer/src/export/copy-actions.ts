// The copy commands shared by buttons and shortcuts: fetch the full capture and its raw body, build
// the request, format it, put it on the clipboard and say what happened.
import type { ApiClient } from '../../../shared/api'
import type { RequestSpec } from '../../../shared/formats/types'
import { loadWholeBody } from '../body/body-loader'
import type { AppStore } from '../state/app-store'
import { copyText } from '../text/clipboard'
import { captureToRequestSpec } from './capture-request'
import { curlCommandFor } from './curl-command'

export const COPY_BODY_MAX_BYTES = 16 * 1024 * 1024

export async function loadRequestSpec(api: ApiClient, app: AppStore, id: string): Promise<{ request: RequestSpec; complete: boolean }> {
  const capture = await api['captures.get']({ id })
  const body = capture.body.size > 0 ? await loadWholeBody(api, id, COPY_BODY_MAX_BYTES) : { bytes: new Uint8Array(0), complete: true }
  const endpointUrl = app.getState().statusById[capture.endpointId]?.url ?? null
  return { request: captureToRequestSpec(capture, endpointUrl, body.bytes), complete: body.complete }
}

export async function copyAsCurl(api: ApiClient, app: AppStore, id: string): Promise<string | null> {
  try {
    const { request, complete } = await loadRequestSpec(api, app, id)
    const command = curlCommandFor(request)
    const copied = await copyText(command)
    const suffix = complete ? '' : ' (body cut at 16 MB)'
    app.getState().showToast(copied ? `Copied as cURL${suffix}` : 'The clipboard refused the text', copied ? 'info' : 'error')
    return command
  } catch (error) {
    app.getState().showToast(`Could not copy as cURL: ${error instanceof Error ? error.message : String(error)}`, 'error')
    return null
  }
}
