// Postman Collection v2.1: exported collections must load in the official postman-collection SDK
// and show the same requests there, come back unchanged through fromPostman (also after the SDK's
// own toJSON), and collections built with the SDK must import as Postman would send them.
import { createRequire } from 'node:module'
import { Collection, Header, Item, ItemGroup, Request, RequestAuth, RequestBody, type CollectionDefinition, type Url } from 'postman-collection'
import { describe, expect, it } from 'vitest'
import { fromPostman, POSTMAN_SCHEMA_V21, toPostman, type Exchange } from '../../../shared/formats'
import { allBytes, bytes, comparable, errorOf, utf8ByteString } from './helpers'

// What Postman's runtime sends for a request's URL (the SDK's own dependency): its request target is `path`.
const postmanUrlEncoder = createRequire(import.meta.url)('postman-url-encoder') as { toNodeUrl(url: Url): { path: string } }

const exchanges: Exchange[] = [
  {
    name: 'GitHub push',
    notes: 'captured from the staging hook',
    durationMs: 37,
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:4000/hooks/../a%2Fb?x=1&x=2&list[]=a&obj={b}&empty=#frag',
      headers: [
        ['hOsT', '127.0.0.1:4000'],
        ['X-Dup', 'first'],
        ['content-TYPE', 'application/json'],
        ['X-Dup', 'second'],
        ['X-Latin1', 'caf\xe9 \xff'],
        ['X-Utf8', utf8ByteString('✓')],
        ['X-Empty', ''],
        ['X-Var', '{{token}}'],
      ],
      body: bytes('{"ref":"refs/heads/main","msg":"é ✓ {{not a variable}}"}\n'),
    },
    response: {
      status: 202,
      statusText: 'Accepted',
      headers: [
        ['Content-Type', 'application/octet-stream'],
        ['X-Dup', '1'],
        ['X-Dup', '2'],
      ],
      body: allBytes(),
    },
  },
  {
    name: 'Folder-like / name',
    request: {
      method: 'PUT',
      url: 'https://example.test:8443/upload',
      headers: [['Content-Type', 'application/octet-stream']],
      body: new Uint8Array([...allBytes(), ...allBytes()]),
    },
  },
  {
    name: 'root',
    request: { method: 'GET', url: 'http://example.test/', headers: [], body: new Uint8Array(0) },
    response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'text/plain']], body: bytes('hello') },
  },
]

describe('Postman folders', () => {
  const folder = (key: string, name: string) => ({ key, name })
  const request = (path: string) => ({ method: 'GET', url: `http://example.test/${path}`, headers: [], body: new Uint8Array(0) })
  // Two sibling folders share a name: they stay two.
  const foldered: Exchange[] = [
    { name: 'top', request: request('top') },
    { name: 'a1', folderPath: [folder('1', 'Orders')], request: request('a1') },
    { name: 'b1', folderPath: [folder('1', 'Orders'), folder('2', 'Admin')], request: request('b1') },
    { name: 'a2', folderPath: [folder('1', 'Orders')], request: request('a2') },
    { name: 'c1', folderPath: [folder('3', 'Orders')], request: request('c1') },
  ]
  type Tree = Array<string | { folder: string; items: Tree }>

  it('export as nested item groups that the postman-collection SDK shows as the same folder tree', () => {
    const json = toPostman(foldered, { name: 'Folders' })
    const sdk = new Collection(json as unknown as CollectionDefinition)
    const treeOf = (group: { items: { all(): unknown[] } }): Tree =>
      group.items.all().map((entry) =>
        ItemGroup.isItemGroup(entry) ? { folder: (entry as ItemGroup<Item>).name, items: treeOf(entry as ItemGroup<Item>) } : (entry as Item).name,
      )
    expect(treeOf(sdk)).toEqual(['top', { folder: 'Orders', items: ['a1', { folder: 'Admin', items: ['b1'] }, 'a2'] }, { folder: 'Orders', items: ['c1'] }])
  })

  it('import back as the same folders, in order, also after the SDK rewrote the collection', () => {
    const json = toPostman(foldered, { name: 'Folders' })
    const rewritten = new Collection(json as unknown as CollectionDefinition).toJSON()
    for (const input of [JSON.stringify(json), rewritten]) {
      const imported = fromPostman(input)
      expect(imported.map((exchange) => [exchange.name, exchange.folderPath?.map((f) => f.name) ?? []])).toEqual([
        ['top', []],
        ['a1', ['Orders']],
        ['b1', ['Orders', 'Admin']],
        ['a2', ['Orders']],
        ['c1', ['Orders']],
      ])
      // The two folders named "Orders" keep apart.
      expect(imported[1]!.folderPath![0]!.key).toBe(imported[3]!.folderPath![0]!.key)
      expect(imported[4]!.folderPath![0]!.key).not.toBe(imported[1]!.folderPath![0]!.key)
      expect(imported[2]!.folderPath![0]!.key).toBe(imported[1]!.folderPath![0]!.key)
    }
  })
})

describe('Postman export', () => {
  it('loads in the postman-collection SDK, which sees the same method, URL, headers and body', () => {
    const json = toPostman(exchanges, { name: 'Hookscope export' })
    expect(json.info.schema).toBe(POSTMAN_SCHEMA_V21)
    // @types/postman-collection types info.description as an object only; v2.1 also allows a string.
    const collection = new Collection(json as CollectionDefinition)
    expect(collection.name).toBe('Hookscope export')
    const items = collection.items.all() as Item[]
    expect(items.map((item) => item.name)).toEqual(exchanges.map((exchange) => exchange.name))
    items.forEach((item, index) => {
      const original = exchanges[index]!.request
      expect(item.request.method).toBe(original.method)
      expect(item.request.url.toString()).toBe(original.url)
      expect(item.request.headers.all().map((header) => [header.key, header.value])).toEqual(original.headers)
      const body = item.request.body
      if (original.body.length === 0) expect(body?.isEmpty() ?? true).toBe(true)
      else {
        expect(body!.mode).toBe('raw')
        const text = Buffer.from(original.body).toString('utf8')
        const isText = Buffer.from(text, 'utf8').equals(Buffer.from(original.body))
        expect(body!.raw).toBe(isText ? text : Buffer.from(original.body).toString('base64'))
      }
    })
    const response = items[0]!.responses.all()[0]!
    expect(response.code).toBe(202)
    expect(response.headers.all().map((header) => [header.key, header.value])).toEqual(exchanges[0]!.response!.headers)
  })

  it('comes back unchanged through fromPostman, directly and after the SDK rewrote it', () => {
    const json = toPostman(exchanges, { name: 'Hookscope export' })
    expect(comparable(fromPostman(JSON.stringify(json)))).toEqual(comparable(exchanges))
    const rewritten = new Collection(json as CollectionDefinition).toJSON()
    expect(JSON.stringify(rewritten)).not.toContain('"raw":"http') // the SDK keeps only the URL's parts
    expect(comparable(fromPostman(rewritten))).toEqual(comparable(exchanges))
  })
})

describe('Postman export of a URL with bytes beyond ASCII', () => {
  it('writes them percent-encoded, which Postman sends as those bytes and import reads back, instead of as other characters', () => {
    // A latin1 é (one byte) and a UTF-8 é (two), as a raw HTTP or cURL import keeps them.
    const request = { method: 'GET', url: 'http://127.0.0.1:4000/caf\xe9/\xc3\xa9?q=\xe9&r=%20', headers: [], body: new Uint8Array(0) }
    const json = toPostman([{ request }], { name: 'bytes' })
    const item = json.item[0] as { request: { url: { raw: string; path: string[]; query: unknown[] } } }
    expect(item.request.url.raw).toBe('http://127.0.0.1:4000/caf%E9/%C3%A9?q=%E9&r=%20')
    expect(item.request.url.path).toEqual(['caf%E9', '%C3%A9'])
    expect(item.request.url.query).toEqual([{ key: 'q', value: '%E9' }, { key: 'r', value: '%20' }])
    expect(fromPostman(JSON.stringify(json))[0]!.request.url).toBe('http://127.0.0.1:4000/caf%E9/%C3%A9?q=%E9&r=%20')
    // The SDK, which rebuilds the URL from its parts, reads the same.
    expect(fromPostman(new Collection(json as CollectionDefinition).toJSON())[0]!.request.url).toBe('http://127.0.0.1:4000/caf%E9/%C3%A9?q=%E9&r=%20')
  })
})

describe('Postman import', () => {
  it('reads folders nested 200 deep, and refuses deeper ones by saying so (not with a stack overflow)', () => {
    // Built as text: a nested object that deep would overflow JSON.stringify here first.
    const nested = (depth: number) =>
      `{"info":{"name":"deep","schema":"${POSTMAN_SCHEMA_V21}"},"item":[${'{"name":"f","item":['.repeat(depth)}{"name":"leaf","request":{"method":"GET","url":"http://localhost:3000/deep"}}${']}'.repeat(depth)}]}`
    expect(fromPostman(nested(200))[0]!.request.url).toBe('http://localhost:3000/deep')
    for (const depth of [201, 5000]) {
      expect(() => fromPostman(nested(depth)), `${depth} levels`).toThrow(/folders are nested more than 200 levels deep|nested too deeply to read/)
    }
  })

  it('imports a collection built with the SDK: folders, bodies, auth, disabled entries, variables', () => {
    const collection = new Collection({ info: { name: 'Built with the SDK' } })
    collection.auth = new RequestAuth({ type: 'bearer', bearer: [{ key: 'token', value: '{{token}}' }] } as never)

    const orders = new ItemGroup<Item>({ name: 'Orders' })
    const create = new Item({ name: 'Create order' })
    const createRequest = new Request({ method: 'POST', url: 'https://api.example.test/orders?expand=items&draft=1' })
    createRequest.addHeader(new Header({ key: 'Content-Type', value: 'application/json' }))
    createRequest.addHeader(new Header({ key: 'X-Off', value: 'no', disabled: true }))
    createRequest.addHeader(new Header({ key: 'X-Request-Id', value: '{{$guid}}' }))
    createRequest.body = new RequestBody({ mode: 'raw', raw: '{"sku":"A-1","qty":2}' })
    create.request = createRequest
    orders.items.add(create)

    const admin = new ItemGroup<Item>({ name: 'Admin' })
    const login = new Item({ name: 'Login' })
    const loginRequest = new Request({ method: 'POST', url: '{{baseUrl}}/login' })
    loginRequest.body = new RequestBody({
      mode: 'urlencoded',
      urlencoded: [
        { key: 'user', value: 'ann@example.test' },
        { key: 'pass', value: 'a b&c' },
        { key: 'skip', value: 'x', disabled: true },
      ],
    } as never)
    loginRequest.auth = new RequestAuth({ type: 'basic', basic: [{ key: 'username', value: 'ann' }, { key: 'password', value: 'pw' }] } as never)
    login.request = loginRequest
    admin.items.add(login)
    orders.items.add(admin)
    collection.items.add(orders)

    const upload = new Item({ name: 'Upload form' })
    const uploadRequest = new Request({ method: 'POST', url: 'http://localhost:3000/form' })
    uploadRequest.body = new RequestBody({
      mode: 'formdata',
      formdata: [
        { key: 'title', value: 'Hello', type: 'text' },
        { key: 'hidden', value: 'x', type: 'text', disabled: true },
      ],
    } as never)
    upload.request = uploadRequest
    collection.items.add(upload)

    const imported = fromPostman(collection.toJSON())
    expect(imported.map((exchange) => exchange.name)).toEqual(['Create order', 'Login', 'Upload form'])
    expect(imported.map((exchange) => exchange.folderPath?.map((folder) => folder.name))).toEqual([['Orders'], ['Orders', 'Admin'], undefined])

    const [createOrder, doLogin, form] = imported
    expect(createOrder!.request.method).toBe('POST')
    expect(createOrder!.request.url).toBe('https://api.example.test/orders?expand=items&draft=1')
    expect(createOrder!.request.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Request-Id', '{{$guid}}'],
      ['Authorization', 'Bearer {{token}}'],
    ])
    expect(Buffer.from(createOrder!.request.body).toString()).toBe('{"sku":"A-1","qty":2}')

    expect(doLogin!.request.url).toBe('{{baseUrl}}/login')
    expect(doLogin!.request.headers).toEqual([
      ['Authorization', `Basic ${Buffer.from('ann:pw').toString('base64')}`],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ])
    expect(Buffer.from(doLogin!.request.body).toString()).toBe('user=ann%40example.test&pass=a+b%26c')

    const contentType = form!.request.headers.find(([name]) => name === 'Content-Type')![1]
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!
    expect(Buffer.from(form!.request.body).toString()).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n--${boundary}--\r\n`,
    )
  })

  it('fills in the variables the collection defines (nearest scope first), in URL, headers, body and auth', () => {
    // As Postman exports it: collection variables, a folder and an item overriding one, a disabled
    // one, one variable inside another's value, and an environment variable the file does not define.
    const collection = {
      info: { _postman_id: '5e0c', name: 'Stripe hooks', schema: POSTMAN_SCHEMA_V21, _exporter_id: '42' },
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
      variable: [
        { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
        { key: 'token', value: 'sk_test_123', type: 'string' },
        { key: 'hooks', value: '{{baseUrl}}/webhooks', type: 'string' },
        { key: 'event', value: 'payment_intent.succeeded', type: 'string' },
        { key: 'retries', value: 3, type: 'number' },
        { key: 'off', value: 'never', disabled: true },
      ],
      item: [
        {
          name: 'Payments',
          variable: [{ key: 'event', value: 'charge.refunded' }],
          item: [
            {
              name: 'Event',
              request: {
                method: 'POST',
                header: [
                  { key: 'Content-Type', value: 'application/json' },
                  { key: 'X-Retries', value: '{{retries}}' },
                  { key: 'X-Off', value: '{{off}}' },
                  { key: 'X-Env', value: '{{envOnly}}' },
                ],
                body: { mode: 'raw', raw: '{"type":"{{event}}","id":"{{$guid}}"}', options: { raw: { language: 'json' } } },
                url: { raw: '{{hooks}}/stripe?live={{live}}', host: ['{{hooks}}'], path: ['stripe'], query: [{ key: 'live', value: '{{live}}' }] },
                description: 'Sends {{event}} to the app',
              },
            },
          ],
        },
        {
          name: 'Login',
          variable: [{ key: 'user', value: 'ann' }],
          request: {
            method: 'POST',
            auth: { type: 'basic', basic: [{ key: 'username', value: '{{user}}' }, { key: 'password', value: 'pw' }] },
            body: { mode: 'urlencoded', urlencoded: [{ key: 'who', value: '{{user}}' }] },
            url: { host: ['{{baseUrl}}'], path: ['login'] },
          },
        },
      ],
    }
    const [event, login] = fromPostman(collection)
    expect(event!.request.url).toBe('http://localhost:3000/webhooks/stripe?live={{live}}')
    expect(event!.request.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Retries', '3'],
      ['X-Off', '{{off}}'],
      ['X-Env', '{{envOnly}}'],
      ['Authorization', 'Bearer sk_test_123'],
    ])
    expect(Buffer.from(event!.request.body).toString()).toBe('{"type":"charge.refunded","id":"{{$guid}}"}')
    expect(event!.notes).toBe('Sends {{event}} to the app')
    expect(login!.request.url).toBe('http://localhost:3000/login')
    expect(login!.request.headers).toEqual([
      ['Authorization', `Basic ${Buffer.from('ann:pw').toString('base64')}`],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ])
    expect(Buffer.from(login!.request.body).toString()).toBe('who=ann')
  })

  it('fills in path variables (/orders/:id) as Postman sends them, also from collection variables', () => {
    const collection = {
      info: { name: 'Orders', schema: POSTMAN_SCHEMA_V21 },
      variable: [{ key: 'orderId', value: 'ord_42' }],
      item: [
        {
          name: 'Get order',
          request: {
            method: 'GET',
            url: {
              raw: 'https://api.example.test/v1/orders/:id/items/:item.json?expand=:id',
              protocol: 'https',
              host: ['api', 'example', 'test'],
              path: ['v1', 'orders', ':id', 'items', ':item.json'],
              query: [{ key: 'expand', value: ':id' }],
              variable: [
                { key: 'id', value: '{{orderId}}', description: 'The order' },
                { key: 'item', value: '7' },
                { key: 'unused', value: 'x' },
              ],
            },
          },
        },
        {
          name: 'No value',
          request: { method: 'GET', url: { raw: 'https://api.example.test/v1/orders/:id', variable: [{ key: 'id', value: '' }] } },
        },
      ],
    }
    const [order, noValue] = fromPostman(collection)
    expect(order!.request.url).toBe('https://api.example.test/v1/orders/ord_42/items/7.json?expand=:id')
    expect(noValue!.request.url).toBe('https://api.example.test/v1/orders/:id')
    // The official SDK agrees.
    const sdk = new Collection(collection as unknown as CollectionDefinition)
    const sdkItem = sdk.items.idx(0) as Item
    expect(sdkItem.request.url.getPath()).toBe('/v1/orders/{{orderId}}/items/7.json')
  })

  it('sends a URL with spaces or characters beyond ASCII percent-encoded as UTF-8, as Postman sends it, keeping what a URL can carry as written', () => {
    const collection = {
      info: { name: 'Search', schema: POSTMAN_SCHEMA_V21 },
      variable: [{ key: 'city', value: 'São Paulo' }],
      item: [
        { name: 'typed', request: { method: 'GET', url: 'https://api.example.test/files/my report/café.pdf?q=hello world&city={{city}}&tag=a|b&pct=100%25&t=\u0007' } },
        {
          name: 'path variable',
          request: {
            method: 'GET',
            url: { raw: 'https://api.example.test/users/:name?x=1', protocol: 'https', host: ['api', 'example', 'test'], path: ['users', ':name'], query: [{ key: 'x', value: '1' }], variable: [{ key: 'name', value: 'Zoë Ann' }] },
          },
        },
        { name: 'emoji', request: { method: 'POST', url: 'https://api.example.test/notes/📝?mood=😀' } },
      ],
    }
    const exchanges = fromPostman(collection)
    const sdk = new Collection(collection as unknown as CollectionDefinition)
    exchanges.forEach((exchange, index) => {
      const target = exchange.request.url.replace(/^https:\/\/api\.example\.test/, '')
      // The official encoder, given the SDK's view of the item, with the collection's variables filled in as Postman fills them.
      const sdkUrl = (sdk.items.idx(index) as Item).request.url
      const sent = postmanUrlEncoder.toNodeUrl(sdkUrl).path.replace('{{city}}', encodeURIComponent('São Paulo'))
      expect(target).toBe(sent)
      expect(target).toMatch(/^[\x21-\x7e]+$/)
    })
    expect(exchanges[0]!.request.url).toBe('https://api.example.test/files/my%20report/caf%C3%A9.pdf?q=hello%20world&city=S%C3%A3o%20Paulo&tag=a|b&pct=100%25&t=%07')
    expect(exchanges[1]!.request.url).toBe('https://api.example.test/users/Zo%C3%AB%20Ann?x=1')
  })

  it('sends an OAuth 2.0 access token the way the collection says, as Postman does', () => {
    const oauth2 = (params: Array<{ key: string; value: string }>) => ({ type: 'oauth2', oauth2: [...params, { key: 'tokenName', value: 'dev' }, { key: 'grant_type', value: 'client_credentials' }] })
    const collection = {
      info: { name: 'OAuth', schema: POSTMAN_SCHEMA_V21 },
      auth: oauth2([{ key: 'accessToken', value: 'eyJ.abc.def' }]),
      item: [
        { name: 'inherited', request: { method: 'GET', url: 'https://api.example.test/a' } },
        { name: 'own prefix', request: { method: 'GET', url: 'https://api.example.test/b', auth: oauth2([{ key: 'accessToken', value: 'tok' }, { key: 'headerPrefix', value: 'Token' }, { key: 'addTokenTo', value: 'header' }]) } },
        { name: 'in the query', request: { method: 'GET', url: 'https://api.example.test/c', auth: oauth2([{ key: 'accessToken', value: 'tok' }, { key: 'addTokenTo', value: 'queryParams' }]) } },
      ],
    }
    const [inherited, ownPrefix, inQuery] = fromPostman(collection)
    expect(inherited!.request.headers).toEqual([['Authorization', 'Bearer eyJ.abc.def']])
    expect(ownPrefix!.request.headers).toEqual([['Authorization', 'Token tok']])
    expect(inQuery!.request.headers).toEqual([])
    expect(inQuery!.request.url).toBe('https://api.example.test/c?access_token=tok')
    expect(inQuery!.notes).toBeUndefined()
  })

  it('says in its notes when Postman runs a pre-request script before a request, since it is not run here', () => {
    // As Postman exports them: empty scripts are kept as [""], a test script listens to "test".
    const script = (listen: string, exec: string[]) => [{ listen, script: { type: 'text/javascript', exec } }]
    const collection = {
      info: { name: 'Signed', schema: POSTMAN_SCHEMA_V21 },
      event: script('prerequest', ['const ts = Date.now();', "pm.request.headers.upsert({ key: 'X-Timestamp', value: String(ts) });"]),
      item: [
        {
          name: 'Webhooks',
          event: [...script('prerequest', ['// sign the body', "pm.variables.set('sig', CryptoJS.HmacSHA256(pm.request.body.raw, 'k').toString());"]), ...script('test', ['pm.test("ok", () => {});'])],
          item: [{ name: 'send', event: script('prerequest', ['']), request: { method: 'POST', url: 'http://localhost:3000/hook', header: [{ key: 'X-Sig', value: '{{sig}}' }] } }],
        },
      ],
    }
    const [send] = fromPostman(collection)
    expect(send!.notes).toBe(
      'Postman runs a pre-request script before this request (in the collection, in the folder "Webhooks"), which Hookscope does not run: what it sets, such as a header, a signature or a variable, is not in this request.',
    )
    const quiet = { info: { name: 'Quiet', schema: POSTMAN_SCHEMA_V21 }, event: script('prerequest', ['', '// nothing yet']), item: [{ name: 'ping', event: script('test', ['pm.test("x", () => {});']), request: 'http://localhost:3000/ping' }] }
    expect(fromPostman(quiet)[0]!.notes).toBeUndefined()
  })

  it('sends the user and password of a URL as Basic authentication, as Postman does, unless the request has its own', () => {
    const collection = {
      info: { name: 'Couch', schema: POSTMAN_SCHEMA_V21 },
      variable: [{ key: 'password', value: 'p@ss' }],
      item: [
        { name: 'dbs', request: { method: 'GET', url: 'http://admin:{{password}}@127.0.0.1:5984/_all_dbs' } },
        { name: 'own', request: { method: 'GET', url: 'http://admin:x@127.0.0.1:5984/', auth: { type: 'bearer', bearer: [{ key: 'token', value: 't' }] } } },
      ],
    }
    const [dbs, own] = fromPostman(collection)
    expect([dbs!.request.url, dbs!.request.headers]).toEqual(['http://127.0.0.1:5984/_all_dbs', [['Authorization', `Basic ${Buffer.from('admin:p@ss').toString('base64')}`]]])
    expect([own!.request.url, own!.request.headers]).toEqual(['http://127.0.0.1:5984/', [['Authorization', 'Bearer t']]])
  })

  it('puts an API key that goes in the query into the URL, after its own parameters, as Postman does', () => {
    const apikey = (key: string, value: string, where?: string) => ({ type: 'apikey', apikey: [{ key: 'key', value: key }, { key: 'value', value }, ...(where ? [{ key: 'in', value: where }] : [])] })
    const collection = {
      info: { name: 'Keys', schema: POSTMAN_SCHEMA_V21 },
      auth: apikey('api_key', '{{key}}', 'query'),
      variable: [{ key: 'key', value: 's3cr3t/+=' }],
      item: [
        { name: 'inherited', request: { method: 'GET', url: 'https://api.example.test/a?limit=5#top' } },
        { name: 'header', request: { method: 'GET', url: 'https://api.example.test/b', auth: apikey('X-Api-Key', 'k') } },
      ],
    }
    const [inherited, header] = fromPostman(collection)
    expect(inherited!.request.url).toBe('https://api.example.test/a?limit=5&api_key=s3cr3t%2F%2B%3D#top')
    expect(inherited!.request.headers).toEqual([])
    expect(header!.request.url).toBe('https://api.example.test/b')
    expect(header!.request.headers).toEqual([['X-Api-Key', 'k']])
  })

  it('reads v2.0 auth, string headers and URLs, graphql bodies and saved examples', () => {
    const collection = {
      info: { name: 'v2.0', schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
      auth: { type: 'basic', basic: { username: 'u', password: 'p' } },
      item: [
        { name: 'plain', request: 'https://example.test/a' },
        {
          name: 'graphql',
          request: {
            method: 'POST',
            url: 'https://example.test/graphql',
            header: 'X-A: 1\nX-B: 2',
            auth: { type: 'oauth2' },
            body: { mode: 'graphql', graphql: { query: '{ me { id } }', variables: '{"a":1}' } },
            description: { content: 'the query', type: 'text/plain' },
          },
          response: [{ name: 'ok', code: 200, status: 'OK', header: [{ key: 'Content-Type', value: 'application/json' }], body: '{"data":{}}', responseTime: 15 }],
        },
      ],
    }
    const [plainItem, graphql] = fromPostman(collection)
    expect(plainItem!.request).toMatchObject({ method: 'GET', url: 'https://example.test/a', headers: [['Authorization', `Basic ${Buffer.from('u:p').toString('base64')}`]] })
    expect(graphql!.request.headers).toEqual([
      ['X-A', '1'],
      ['X-B', '2'],
      ['Content-Type', 'application/json'],
    ])
    expect(JSON.parse(Buffer.from(graphql!.request.body).toString())).toEqual({ query: '{ me { id } }', variables: { a: 1 } })
    expect(graphql!.notes).toBe('the query\n\nPostman "oauth2" auth was not converted (it holds no access token); add it by hand.')
    expect(graphql!.response).toEqual({ status: 200, statusText: 'OK', headers: [['Content-Type', 'application/json']], body: bytes('{"data":{}}') })
    expect(graphql!.durationMs).toBe(15)
  })

  it('sends raw bodies with the Content-Type Postman adds for their language, unless the request has one or switches it off', () => {
    // As Postman exports them: the Content-Type Postman adds for a raw body is not in the header list.
    const raw = (name: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}, header: Array<{ key: string; value: string }> = []) => ({
      name,
      ...extra,
      request: { method: 'POST', header, body: { mode: 'raw', ...body }, url: `https://api.example.test/${name}` },
      response: [],
    })
    const collection = {
      info: { _postman_id: 'c2', name: 'Bodies', schema: POSTMAN_SCHEMA_V21 },
      item: [
        raw('json', { raw: '{"a":1}', options: { raw: { language: 'json' } } }),
        raw('text', { raw: 'hello' }),
        raw('xml', { raw: '<a/>', options: { raw: { language: 'xml' } } }),
        raw('other', { raw: 'query { a }', options: { raw: { language: 'graphql' } } }),
        raw('own', { raw: '{"a":1}', options: { raw: { language: 'json' } } }, {}, [{ key: 'content-type', value: 'application/vnd.api+json' }]),
        raw('off', { raw: '{"a":1}', options: { raw: { language: 'json' } } }, { protocolProfileBehavior: { disabledSystemHeaders: { 'content-type': true } } }),
        raw('empty', { raw: '', options: { raw: { language: 'json' } } }),
      ],
    }
    expect(fromPostman(collection).map((exchange) => [exchange.name, exchange.request.headers])).toEqual([
      ['json', [['Content-Type', 'application/json']]],
      ['text', [['Content-Type', 'text/plain']]],
      ['xml', [['Content-Type', 'application/xml']]],
      ['other', [['Content-Type', 'text/plain']]],
      ['own', [['content-type', 'application/vnd.api+json']]],
      ['off', []],
      ['empty', []],
    ])

    // A request with a body and no Content-Type keeps having none, in Postman and back in Hookscope.
    const bare: Exchange = { name: 'bare', request: { method: 'POST', url: 'http://localhost:3000/hook', headers: [['X-A', '1']], body: bytes('{"a":1}') } }
    const exported = toPostman([bare], { name: 'x' })
    expect(exported.item[0]).toMatchObject({ protocolProfileBehavior: { disabledSystemHeaders: { 'content-type': true } } })
    expect(comparable(fromPostman(JSON.parse(JSON.stringify(exported))))).toEqual(comparable([bare]))
    expect(new Collection(exported as unknown as CollectionDefinition).items.idx(0)!.toJSON()).toMatchObject({ protocolProfileBehavior: { disabledSystemHeaders: { 'content-type': true } } })
  })

  it('sends a GET without the body the collection holds for it, as Postman does, unless the item asks for it; export asks for it', () => {
    // As Postman exports them: a body typed into a GET comes with disableBodyPruning; one left over
    // from another method (or set by a tool) comes without, and Postman does not send it.
    const item = (name: string, method: string, extra: Record<string, unknown> = {}) => ({
      name,
      ...extra,
      request: { method, header: [], body: { mode: 'raw', raw: '{"query":{"match_all":{}}}', options: { raw: { language: 'json' } } }, url: `https://search.example.test/${name}` },
      response: [],
    })
    const collection = {
      info: { _postman_id: 'c3', name: 'Search', schema: POSTMAN_SCHEMA_V21 },
      item: [item('asked', 'GET', { protocolProfileBehavior: { disableBodyPruning: true } }), item('leftover', 'GET'), item('head', 'head'), item('post', 'POST')],
    }
    const [asked, leftover, head, post] = fromPostman(collection)
    expect(Buffer.from(asked!.request.body).toString()).toBe('{"query":{"match_all":{}}}')
    expect(asked!.request.headers).toEqual([['Content-Type', 'application/json']])
    expect(asked!.notes).toBeUndefined()
    for (const pruned of [leftover!, head!]) {
      expect(pruned.request.body).toEqual(new Uint8Array(0))
      expect(pruned.request.headers).toEqual([])
    }
    expect(leftover!.notes).toBe('Postman sends a GET request without the body the collection holds for it (the request does not ask for its body to be sent): it is left out.')
    expect(Buffer.from(post!.request.body).toString()).toBe('{"query":{"match_all":{}}}')

    // A captured GET with a body goes to Postman asking for its body to be sent, and comes back with it.
    const search: Exchange = { name: 'search', request: { method: 'GET', url: 'http://localhost:9200/_search', headers: [['Content-Type', 'application/json']], body: bytes('{"size":1}') } }
    const exported = toPostman([search], { name: 'x' })
    expect(exported.item[0]).toMatchObject({ protocolProfileBehavior: { disableBodyPruning: true } })
    expect(new Collection(exported as unknown as CollectionDefinition).items.idx(0)!.toJSON()).toMatchObject({ protocolProfileBehavior: { disableBodyPruning: true } })
    expect(comparable(fromPostman(JSON.parse(JSON.stringify(exported))))).toEqual(comparable([search]))
  })

  it('keeps a request that accepts its server\'s own certificate as Postman says it: SSL certificate verification off (strictSSL: false)', () => {
    const local: Exchange = { name: 'local tls', acceptSelfSigned: true, request: { method: 'POST', url: 'https://localhost:3443/hook', headers: [['Content-Type', 'application/json']], body: bytes('{}') } }
    const checked: Exchange = { name: 'checked', request: { ...local.request, url: 'https://api.example.test/hook' } }
    const exported = toPostman([local, checked], { name: 'x' })
    expect(exported.item[0]).toMatchObject({ protocolProfileBehavior: { strictSSL: false } })
    expect(exported.item[1]).not.toHaveProperty('protocolProfileBehavior')
    // The SDK keeps it, and so does a file Postman itself wrote.
    const sdk = new Collection(exported as unknown as CollectionDefinition).toJSON()
    expect(comparable(fromPostman(JSON.parse(JSON.stringify(sdk))))).toEqual(comparable([local, checked]))
    const fromPostmanApp = {
      info: { _postman_id: 'c4', name: 'Local', schema: POSTMAN_SCHEMA_V21 },
      item: [{ name: 'off', protocolProfileBehavior: { strictSSL: false }, request: { method: 'GET', header: [], url: 'https://localhost:3443/' } }, { name: 'on', protocolProfileBehavior: { strictSSL: true }, request: { method: 'GET', header: [], url: 'https://localhost:3443/' } }],
    }
    expect(fromPostman(fromPostmanApp).map((exchange) => exchange.acceptSelfSigned)).toEqual([true, undefined])
  })

  it('imports requests that upload files, sending each file empty and saying in the notes which file to add', () => {
    // As Postman exports them: the collection holds the files' paths (src), never their contents.
    const collection = {
      info: { _postman_id: 'c1', name: 'Uploads', schema: POSTMAN_SCHEMA_V21 },
      item: [
        { name: 'Ping', request: { method: 'GET', header: [], url: { raw: 'https://api.example.test/ping', protocol: 'https', host: ['api', 'example', 'test'], path: ['ping'] } }, response: [] },
        {
          name: 'Media',
          item: [
            {
              name: 'Upload avatar',
              request: {
                method: 'POST',
                header: [],
                body: {
                  mode: 'formdata',
                  formdata: [
                    { key: 'title', value: 'Me', type: 'text' },
                    { key: 'avatar', type: 'file', src: '/Users/ann/Pictures/me.png' },
                    { key: 'extra', type: 'file', src: ['C:\\docs\\a.pdf', '/tmp/b.txt'], contentType: 'text/plain' },
                    { key: 'none', type: 'file', src: [] },
                    { key: 'off', type: 'file', src: '/x', disabled: true },
                  ],
                },
                url: { raw: 'https://api.example.test/avatar', protocol: 'https', host: ['api', 'example', 'test'], path: ['avatar'] },
              },
              response: [],
            },
            { name: 'Put blob', request: { method: 'PUT', header: [{ key: 'Content-Type', value: 'application/octet-stream' }], body: { mode: 'file', file: { src: '/Users/ann/blob.bin' } }, url: 'https://api.example.test/blob' }, response: [] },
          ],
        },
      ],
    }
    const [ping, upload, blob] = fromPostman(collection)
    expect([ping, upload, blob].map((exchange) => exchange?.name)).toEqual(['Ping', 'Upload avatar', 'Put blob'])

    const contentType = upload!.request.headers.find(([name]) => name === 'Content-Type')![1]
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!
    const part = (disposition: string, type?: string, value = '') =>
      `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n${value}\r\n`
    expect(Buffer.from(upload!.request.body).toString()).toBe(
      part('name="title"', undefined, 'Me') +
        part('name="avatar"; filename="me.png"', 'application/octet-stream') +
        part('name="extra"; filename="a.pdf"', 'text/plain') +
        part('name="extra"; filename="b.txt"', 'text/plain') +
        part('name="none"; filename=""', 'application/octet-stream') +
        `--${boundary}--\r\n`,
    )
    expect(upload!.notes).toBe(
      [
        'The form field "avatar" sends "/Users/ann/Pictures/me.png", which is not in the collection: it is sent empty (0 bytes).',
        'The form field "extra" sends "C:\\docs\\a.pdf", "/tmp/b.txt", which are not in the collection: they are sent empty (0 bytes).',
        'The form field "none" is a file field with no file chosen: it is sent empty (0 bytes).',
      ].join('\n\n'),
    )
    expect(blob!.request.body).toEqual(new Uint8Array(0))
    expect(blob!.request.headers).toEqual([['Content-Type', 'application/octet-stream']])
    expect(blob!.notes).toBe('The body is the file "/Users/ann/blob.bin", which is not in the collection: it is sent empty (0 bytes).')
  })

  // Fixtures below break one field of a valid collection at a time, so they need untyped access.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const valid = () => JSON.parse(JSON.stringify(toPostman(exchanges, { name: 'x' }))) as { item: Array<Record<string, any>>; info: Record<string, unknown> }

  it.each([
    ['text that is not JSON', () => 'not json', /Not a valid Postman collection: the file is not JSON/],
    ['a collection without items', () => ({ info: { name: 'x' } }), /Not a valid Postman collection: item: missing \(expected array\)/],
    ['a v1 collection', () => ({ id: '1', name: 'old', requests: [] }), /Postman v1 collection; export it again as Collection v2\.1/],
    ['a Postman environment', () => ({ id: 'e1', name: 'Staging', values: [{ key: 'baseUrl', value: 'https://staging.test', enabled: true }], _postman_variable_scope: 'environment' }), /this is a Postman environment \(variables only, no requests\); export the collection itself/],
    ['another schema', () => { const c = valid(); c.info.schema = 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json'; return c }, /info\.schema: ".*v1\.0\.0.*" is not Postman Collection v2\.0 or v2\.1/],
    ['a URL that is a number', () => { const c = valid(); c.item[1]!.request.url = 5; return c }, /item\[1\]\.request\.url: expected a URL string or a Postman URL object/],
    ['a header value that is an object', () => { const c = valid(); c.item[0]!.request.header[2].value = { x: 1 }; return c }, /item\[0\]\.request\.header\[2\]\.value: expected a string/],
    ['a header name in a folder that is a number', () => ({ info: { name: 'x' }, item: [{ name: 'a', item: [{ name: 'b', request: { url: 'http://h', header: [{ key: 1 }] } }] }] }), /item\[0\]\.item\[0\]\.request\.header\[0\]\.key: expected string, received number/],
    ['an item with neither request nor items', () => ({ info: { name: 'x' }, item: [{ name: 'empty' }] }), /item\[0\]: an item without a request or items/],
    ['a URL that is not a URL', () => { const c = valid(); c.item[2]!.request.url = { raw: 'not a url' }; return c }, /item\[2\]\.request\.url: "root"'s URL "not a url" is not a valid URL/],
    ['bad base64 in a binary body', () => { const c = valid(); c.item[1]!.request.body.raw = '%%%'; return c }, /item\[1\]\.request\.body\.raw: the text is not valid base64/],
  ])('refuses %s, whole', (_what, make, message) => {
    expect(errorOf(() => fromPostman(make())).message).toMatch(message)
  })
})
