// File helpers the store relies on for crash safety. Owns: atomic replace with fsync, directory
// fsync, stale temp cleanup. Never: keeps state or knows what a document means.
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'

export const TEMP_SUFFIX = '.tmp'

/** A temp name unique per write, so two writes never share a temp file (steno's trap). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`)
}

/** fsync a directory so a rename inside it survives power loss. Windows cannot open directories. */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined
  try {
    handle = await fs.open(dir, 'r')
    await handle.sync()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw error
  } finally {
    await handle?.close()
  }
}

/** Write to a fresh temp file, fsync it, rename it over the target, fsync the directory. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = tempPathFor(file)
  const handle = await fs.open(temp, 'w', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await fs.rm(temp, { force: true })
    throw error
  }
  await handle.close()
  try {
    await fs.rename(temp, file)
  } catch (error) {
    await fs.rm(temp, { force: true })
    throw error
  }
  await syncDir(path.dirname(file))
}

/** Remove temp files left by a crash mid-write. Only names this store creates are touched. */
export async function removeStaleTempFiles(dir: string, forFile?: string): Promise<string[]> {
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return []
  }
  // With `forFile`, only that file's temp files: another store writing in the same folder right now
  // must not lose its temp file to this clean-up.
  const prefix = forFile === undefined ? '.' : `.${forFile}.`
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX))
  await Promise.all(stale.map((name) => fs.rm(path.join(dir, name), { force: true })))
  return stale
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}

/** The file's bytes, or null when there is no such file (any other failure is thrown). */
export async function readFileIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file)
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null
    throw error
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code
}
