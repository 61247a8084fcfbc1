// An export's whole text, however the engine answered it: as text, or as a file read in slices.
import { EXPORT_READ_MAX_BYTES, type ApiClient, type ExportedFile } from '../../shared/api'

export async function exportedBytes(api: ApiClient, exported: ExportedFile): Promise<Buffer> {
  if (!exported.file) return Buffer.from(exported.text, 'utf8')
  const parts: Buffer[] = []
  for (let offset = 0; offset < exported.file.size; ) {
    const slice = await api['exports.read']({ id: exported.file.id, offset, length: EXPORT_READ_MAX_BYTES })
    parts.push(Buffer.from(slice.base64, 'base64'))
    offset += slice.size
  }
  return Buffer.concat(parts)
}

export async function exportedText(api: ApiClient, exported: ExportedFile): Promise<string> {
  return (await exportedBytes(api, exported)).toString('utf8')
}
