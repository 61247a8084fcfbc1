// A light load generator for the UI benchmark: keep-alive sockets writing ready-made HTTP/1.1
// requests and reading just enough of each answer (head and Content-Length) to know it finished.
// In real use the sender of a webhook is another machine; node:http's client cost about a quarter of
// a core at 500 requests a second here, CPU the browser and the host then did not get.
import net from 'node:net'

interface Job {
  data: Buffer
  done: (ok: boolean) => void
}

interface Connection {
  socket: net.Socket
  job: Job | null
  buffered: Buffer
  /** Bytes of the whole answer, once its head has arrived. */
  expected: number | null
}

const HEAD_END = Buffer.from('\r\n\r\n')

export class RawSender {
  private readonly idle: Connection[] = []
  private readonly queue: Job[] = []
  private readonly all: Connection[] = []

  constructor(host: string, port: number, connections: number) {
    for (let i = 0; i < connections; i++) this.open(host, port)
  }

  private open(host: string, port: number): void {
    const connection: Connection = { socket: net.connect({ host, port, noDelay: true }), job: null, buffered: Buffer.alloc(0), expected: null }
    this.all.push(connection)
    connection.socket.on('data', (chunk: Buffer) => this.receive(connection, chunk))
    connection.socket.on('error', () => undefined)
    connection.socket.on('close', () => {
      connection.job?.done(false)
      connection.job = null
      const at = this.idle.indexOf(connection)
      if (at >= 0) this.idle.splice(at, 1)
    })
    connection.socket.once('connect', () => this.release(connection))
  }

  /** Send one request (a whole HTTP/1.1 message); `done` is called when its answer has arrived. */
  send(data: Buffer, done: (ok: boolean) => void): void {
    const connection = this.idle.pop()
    if (connection) this.start(connection, { data, done })
    else this.queue.push({ data, done })
  }

  private start(connection: Connection, job: Job): void {
    connection.job = job
    connection.buffered = Buffer.alloc(0)
    connection.expected = null
    connection.socket.write(job.data)
  }

  private release(connection: Connection): void {
    const next = this.queue.shift()
    if (next) this.start(connection, next)
    else this.idle.push(connection)
  }

  private receive(connection: Connection, chunk: Buffer): void {
    connection.buffered = connection.buffered.length === 0 ? chunk : Buffer.concat([connection.buffered, chunk])
    if (connection.expected === null) {
      const end = connection.buffered.indexOf(HEAD_END)
      if (end < 0) return
      const head = connection.buffered.subarray(0, end).toString('latin1')
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
      connection.expected = end + HEAD_END.length + (length ? Number(length[1]) : 0)
    }
    if (connection.buffered.length < connection.expected) return
    const job = connection.job
    connection.job = null
    job?.done(true)
    this.release(connection)
  }

  close(): void {
    for (const connection of this.all) connection.socket.destroy()
  }
}

/** A POST with a JSON body, as bytes ready to write. */
export function jsonPost(host: string, target: string, body: string): Buffer {
  return Buffer.from(`POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}
