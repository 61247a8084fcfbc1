// The body store's reference counting against real files: a body being stored for a new capture
// survives the last other capture with the same body being deleted meanwhile.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BlobStore } from '../../electron/core/store/blobs'
import { removeDir, tempDir } from '../helpers/engine'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeDir(dir)
})

async function openStore(): Promise<BlobStore> {
  const dir = await tempDir()
  dirs.push(dir)
  const blobs = new BlobStore(path.join(dir, 'blobs'), 1024)
  await blobs.init()
  return blobs
}

async function store(blobs: BlobStore, bytes: Buffer): Promise<string> {
  const spool = blobs.createSpool()
  spool.write(bytes)
  const body = await spool.finish()
  expect(body.blob).toBe(true)
  return body.sha256
}

describe('blob store', () => {
  const body = Buffer.alloc(200 * 1024, 'x')

  it('keeps a blob a new capture has stored but not yet committed when the last older use goes', async () => {
    const blobs = await openStore()
    const sha = await store(blobs, body)
    blobs.retain(sha) // the older capture
    const again = await store(blobs, body) // the newer capture's body, same content
    expect(again).toBe(sha)
    // Retention deletes the older capture before the newer one is committed.
    expect(blobs.release(sha)).toBe(true)
    await blobs.collect([sha])
    expect(existsSync(blobs.pathOf(sha))).toBe(true)
    blobs.retain(sha) // the newer capture commits
    expect(await blobs.read(sha)).toEqual(body)
    // Once nobody uses it, it goes.
    expect(blobs.release(sha)).toBe(true)
    await blobs.collect([sha])
    expect(existsSync(blobs.pathOf(sha))).toBe(false)
  })

  it('stores the content again when it arrives while its old file is being removed', async () => {
    const blobs = await openStore()
    const sha = await store(blobs, body)
    blobs.retain(sha)
    expect(blobs.release(sha)).toBe(true)
    const removal = blobs.collect([sha])
    const again = store(blobs, body)
    await Promise.all([removal, again])
    blobs.retain(await again)
    expect(await blobs.read(sha)).toEqual(body)
  })
})
