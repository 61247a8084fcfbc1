// Every temp folder a test run makes (test data folders, browser profiles, child processes' files)
// goes under one folder of its own, which is removed when the run ends, passed or failed: a run
// leaves nothing behind in the system's temp folder. Workers and child processes inherit TMPDIR,
// which `os.tmpdir()` reads on every call. Each project runs this setup; the first makes the folder
// and the others use it (never one inside another: a Unix socket's path, such as Chromium's in its
// profile, must stay under about 100 bytes).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const MARK = 'HOOKSCOPE_TEST_TMPDIR'

export default function setup(): () => void {
  if (process.env[MARK]) return () => {}
  const root = mkdtempSync(path.join(tmpdir(), 'hookscope-tests-'))
  const previous = process.env.TMPDIR
  process.env.TMPDIR = root
  process.env[MARK] = root
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    delete process.env[MARK]
    rmSync(root, { recursive: true, force: true, maxRetries: 3 })
  }
}
