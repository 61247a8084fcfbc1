// One writer per data folder. Owns: the `hookscope.lock` file holding the owner's pid (and, on Linux,
// which boot and which start of that pid). A lock left by a process that no longer exists (a crash,
// kill -9) is taken over, also when its pid now belongs to another process (after a reboot, say) or
// still names the killed process while it exits or waits, a zombie, for its parent to collect it; a
// live owner is refused.
import { execFile } from 'node:child_process'
import { readFileSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { HookscopeError } from '../../../shared/errors'
import { isErrno } from './fs-util'

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    // On Windows a process that has exited is reported gone here even while handles to it are open.
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrno(error, 'EPERM')
  }
}

/** The fields of /proc/<pid>/stat after the command (which may hold spaces and parentheses): field n is at n - 3. */
function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/**
 * Which process a pid is, beyond its number: the boot and the pid's start time (Linux). Empty where
 * the system does not say; then the pid alone decides.
 */
export function processIdentity(pid: number): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    const startTime = procStat(pid)?.[19] // starttime is field 22
    return startTime ? `${boot}/${startTime}` : ''
  } catch {
    return ''
  }
}

/** Linux's PF_EXITING (the process is being torn down) and SIGKILL's bit in a pending-signal mask. */
const PF_EXITING = 0x4
const SIGKILL_BIT = 1n << 8n

/**
 * Where a running pid stands: `live`; `ending` (killed, or releasing its memory and files: it runs no
 * more of its own code, but the kernel may still finish a write it had begun); or `ended` (a zombie:
 * every thread gone, only its exit status left for its parent to collect). `live` where the system
 * does not say.
 */
export async function processEnd(pid: number): Promise<'live' | 'ending' | 'ended'> {
  const stat = procStat(pid)
  if (stat) {
    const state = stat[0]
    if (state === 'Z' || state === 'X' || state === 'x') return 'ended'
    const flags = Number(stat[6])
    let pending = 0n
    try {
      pending = BigInt(stat[28] ?? '0') // signal (field 31): the signals pending for its main thread
    } catch {
      // Not a number: leave it out.
    }
    return flags & PF_EXITING || pending & SIGKILL_BIT ? 'ending' : 'live'
  }
  if (process.platform === 'win32' || process.platform === 'linux') return 'live'
  // macOS and the BSDs: ps says Z for a zombie and E for a process on its way out.
  const status = await new Promise<string>((resolve) => {
    execFile('ps', ['-o', 'stat=', '-p', String(pid)], { timeout: 2000 }, (error, stdout) => resolve(error ? '' : stdout.trim()))
  })
  if (status.startsWith('Z')) return 'ended'
  return status.includes('E') ? 'ending' : 'live'
}

/** How long a start waits for a killed owner to finish ending before it takes the folder over anyway. */
const ENDING_WAIT_MS = 3000

/** Whether the lock's owner still runs: its pid is alive, not ending and, where known, the same process. */
async function ownerAlive(pid: number, identity: string): Promise<boolean> {
  if (!alive(pid)) return false
  if (identity) {
    const now = processIdentity(pid)
    if (now !== '' && now !== identity) return false
  }
  // A killed owner that is still ending is waited for (briefly), so that nothing it had begun writing
  // lands after this process has read the folder.
  const until = Date.now() + ENDING_WAIT_MS
  for (;;) {
    const end = await processEnd(pid)
    if (end === 'live') return true
    if (end === 'ended' || Date.now() >= until) return false
    await delay(5)
    if (!alive(pid)) return false
  }
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
      if (owner !== process.pid && (await ownerAlive(owner, identity))) {
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
