// One writer per data folder. Owns: the `hookscope.lock` file holding the owner's pid (and, on Linux,
// which boot and which start of that pid). A lock left by a process that no longer exists (a crash,
// kill -9) is taken over, also when its pid now belongs to another process (after a reboot, say); a
// live owner is refused.
import { readFileSync, promises as fs } from 'node:fs'
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

/**
 * Which process a pid is, beyond its number: the boot and the pid's start time (Linux). Empty where
 * the system does not say; then the pid alone decides.
 */
export function processIdentity(pid: number): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command (which may hold spaces and parentheses); starttime is field 22.
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    return startTime ? `${boot}/${startTime}` : ''
  } catch {
    return ''
  }
}

/** Whether the lock's owner still runs: its pid is alive and, where known, is the same process. */
function ownerAlive(pid: number, identity: string): boolean {
  if (!alive(pid)) return false
  if (!identity) return true
  const now = processIdentity(pid)
  return now === '' || now === identity
}

export class DataDirLock {
  private constructor(readonly file: string) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    const file = path.join(dir, 'hookscope.lock')
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await fs.open(file, 'wx', 0o600)
        await handle.writeFile(`${process.pid}\n${processIdentity(process.pid)}\n`)
        await handle.close()
        return new DataDirLock(file)
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error
      }
      const [ownerText = '', identity = ''] = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').map((line) => line.trim())
      const owner = Number(ownerText)
      if (owner !== process.pid && ownerAlive(owner, identity)) {
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
