// Error codes shared by the engine, both hosts and the renderer. A code is what programs branch on;
// the message table is what people read. Results cross IPC and WebSocket as plain envelopes because
// Electron's invoke keeps only an Error's message.
import { z } from 'zod'

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'NO_FORWARD_TARGET',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'PORT_IN_USE',
  'ADDRESS_NOT_AVAILABLE',
  'PERMISSION_DENIED',
  'LISTEN_FAILED',
  'DATA_DIR_LOCKED',
  'DOCUMENT_CORRUPT',
  'DOCUMENT_TOO_NEW',
  'STORE_WRITE_FAILED',
  'ENGINE_CLOSED',
  'INTERNAL',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const errorMessages: Record<ErrorCode, string> = {
  INVALID_INPUT: 'The request to the engine was not valid.',
  NOT_FOUND: 'Nothing with that id exists.',
  CONFLICT: 'It was changed elsewhere since it was opened.',
  NO_FORWARD_TARGET: 'This endpoint has no forward target: give a URL to send it to.',
  UNKNOWN_METHOD: 'The engine does not know that method.',
  UNAUTHORIZED: 'This caller is not allowed to use the engine.',
  PORT_IN_USE: 'That port is already in use.',
  ADDRESS_NOT_AVAILABLE: 'That bind address does not belong to this machine.',
  PERMISSION_DENIED: 'The system refused to open that port (ports below 1024 need special rights).',
  LISTEN_FAILED: 'The endpoint could not start listening.',
  DATA_DIR_LOCKED: 'Another Hookscope is already using this data folder.',
  DOCUMENT_CORRUPT: 'A saved file was damaged; it was set aside and the last good copy restored.',
  DOCUMENT_TOO_NEW: 'A saved file was written by a newer Hookscope; it was left untouched.',
  STORE_WRITE_FAILED: 'Writing to the data folder failed.',
  ENGINE_CLOSED: 'The engine is shutting down.',
  INTERNAL: 'Something went wrong inside Hookscope.',
}

export const ApiErrorShape = z.object({ code: ErrorCode, message: z.string() })
export type ApiErrorShape = z.infer<typeof ApiErrorShape>

/** An error that carries a code; thrown by the engine and rebuilt by Api clients. */
export class HookscopeError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorMessages[code], options)
    this.name = 'HookscopeError'
    this.code = code
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape }

/** What a file-system error code means for the data folder, in words; by errno code. */
const STORAGE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the data folder is on a read-only file system',
  EACCES: 'Hookscope is not allowed to write to the data folder',
  EPERM: 'Hookscope is not allowed to write to the data folder',
  ENOENT: 'a file or folder of the data folder is missing (was it moved or deleted?)',
  EIO: 'the disk reported an input/output error',
  ENOTDIR: 'a part of the data folder’s path is a file, not a folder',
}

/** Codes that are a storage problem only from one call: a folder made where a file already is (the
 * data folder given as a file's path) is one; another call's EEXIST is a race the caller handles. */
const STORAGE_PROBLEMS_OF_CALL: Record<string, { syscall: string; problem: string }> = {
  EEXIST: { syscall: 'mkdir', problem: 'a file is where the data folder, or one of its folders, should be' },
}

/** System calls that reach files: an error of another (a socket's connect, a port's listen) is no storage problem. */
const FILE_CALLS = new Set(['open', 'write', 'read', 'rename', 'fsync', 'fdatasync', 'ftruncate', 'truncate', 'mkdir', 'unlink', 'rm', 'rmdir', 'scandir', 'copyfile', 'close', 'stat', 'fstat', 'access', 'link', 'symlink', 'utime', 'chmod'])

const READ_CALLS = new Set(['read', 'stat', 'fstat', 'access', 'scandir'])

/**
 * A file-system failure said for people ("the disk is full (ENOSPC: no space left on device, write)"),
 * or null for any other error.
 */
export function storageProblem(error: unknown): string | null {
  const problem = storageProblemInWords(error)
  if (problem === null) return null
  const { code, message } = error as { code: string; message?: unknown }
  return `${problem} (${typeof message === 'string' ? message : code})`
}

/**
 * The same in words only ("the disk is full"), without the system's message, which names the file and
 * so the data folder's place on this machine: what a sender, who is told only that, may read.
 */
export function storageProblemInWords(error: unknown): string | null {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown }
  if (typeof code !== 'string') return null
  const ofCall = STORAGE_PROBLEMS_OF_CALL[code]
  const problem = ofCall ? (syscall === ofCall.syscall ? ofCall.problem : undefined) : STORAGE_PROBLEMS[code]
  if (problem === undefined) return null
  if (typeof syscall === 'string' && !FILE_CALLS.has(syscall)) return null
  return problem
}

export function toErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof HookscopeError) return { code: error.code, message: error.message }
  const problem = storageProblem(error)
  if (problem !== null) {
    const reading = READ_CALLS.has(String((error as { syscall?: unknown }).syscall))
    return {
      code: 'STORE_WRITE_FAILED',
      message: reading ? `Hookscope could not read its data folder: ${problem}.` : `This was not saved: ${problem}. Try again once Hookscope can write to its data folder.`,
    }
  }
  if (error instanceof z.ZodError) {
    const first = error.issues[0]
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : ''
    return { code: 'INVALID_INPUT', message: `${first?.message ?? 'Invalid input'}${where}` }
  }
  return { code: 'INTERNAL', message: errorMessage(error) }
}

/**
 * What an error says to people: its message alone, never its class name ("HookscopeError: …", which
 * `String(error)` would give). Every message the UI shows from a caught error goes through here.
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message !== '') return message
  if (error instanceof Error) return errorMessages.INTERNAL
  return String(error)
}
