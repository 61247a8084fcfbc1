// One writer per data folder. Owns: the `hookscope.lock` file holding the owner's pid. A lock left by
// a process that no longer exists (a crash, kill -9) is taken over; a live owner is refused.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { HookscopeError } from '../../../shared/errors'
import { isErrno } from './fs-util'

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrno(error, 'EPERM')
  }
}

export class DataDirLock {
  private constructor(readonly file: string) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    const file = path.join(dir, 'hookscope.lock')
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await fs.open(file, 'wx', 0o600)
        await handle.writeFile(`${process.pid}\n`)
        await handle.close()
        return new DataDirLock(file)
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error
      }
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim())
      if (alive(owner) && owner !== process.pid) {
        throw new HookscopeError('DATA_DIR_LOCKED', `Another Hookscope (process ${owner}) is using ${dir}.`)
      }
      if (owner === process.pid) {
        throw new HookscopeError('DATA_DIR_LOCKED', `This process already has ${dir} open.`)
      }
      // Stale: its owner is gone. Remove and retry (another starter may race us; wx settles it).
      await fs.rm(file, { force: true })
    }
    throw new HookscopeError('DATA_DIR_LOCKED', `Could not lock ${dir}.`)
  }

  async release(): Promise<void> {
    await fs.rm(this.file, { force: true })
  }
}
