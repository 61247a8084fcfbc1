// Every temp folder a test run makes (test data folders, browser profiles, child processes' files)
// goes under one folder of its own, which is removed when the run ends, passed or failed: a run
// leaves nothing behind in the system's temp folder. Workers and child processes inherit TMPDIR,
// which `os.tmpdir()` reads on every call.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'hookscope-tests-'))
  const previous = process.env.TMPDIR
  process.env.TMPDIR = root
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    rmSync(root, { recursive: true, force: true, maxRetries: 3 })
  }
}
