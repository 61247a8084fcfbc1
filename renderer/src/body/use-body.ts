// The loading and saving every body view shares (a capture's body, a forward attempt's answer).
import { useEffect, useState } from 'react'
import { buildBodyBlob, downloadBlob, loadDisplayBody, safeFilename, type BodyApi, type DisplayBody } from './body-loader'
import { errorMessage } from '../../../shared/errors'

export type BodyLoadState = { status: 'loading' } | { status: 'loaded'; body: DisplayBody } | { status: 'failed'; message: string }

const messageOf = (error: unknown): string => errorMessage(error)

/** The body `id` for display, loaded again when `decode` changes; nothing is asked when it is empty. */
export function useDisplayBody(source: BodyApi, id: string, decode: boolean, hasBody: boolean): BodyLoadState {
  const [state, setState] = useState<BodyLoadState>({ status: 'loading' })
  useEffect(() => {
    if (!hasBody) return
    let alive = true
    setState({ status: 'loading' })
    loadDisplayBody(source, id, decode).then(
      (body) => alive && setState({ status: 'loaded', body }),
      (error: unknown) => alive && setState({ status: 'failed', message: messageOf(error) }),
    )
    return () => {
      alive = false
    }
  }, [source, id, decode, hasBody])
  return state
}

/** "Save full body": every slice into one download; `saving` while it runs, a failure reported. */
export function useBodySave(onError: (message: string) => void): { saving: boolean; save: (source: BodyApi, id: string, decode: boolean, type: string, filename: string, fallback: string) => Promise<void> } {
  const [saving, setSaving] = useState(false)
  const save = async (source: BodyApi, id: string, decode: boolean, type: string, filename: string, fallback: string) => {
    setSaving(true)
    try {
      downloadBlob(await buildBodyBlob(source, id, decode, type), safeFilename(filename, fallback))
    } catch (error) {
      onError(`Saving failed: ${messageOf(error)}`)
    } finally {
      setSaving(false)
    }
  }
  return { saving, save }
}
