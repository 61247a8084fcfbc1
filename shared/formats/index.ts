// The import/export formats, as pure functions over the neutral model in types.ts. Everything here
// runs in the browser renderer and in Node alike: no Node APIs, bodies as Uint8Array. Importers throw
// HookscopeError('INVALID_INPUT') naming what is wrong and never return part of a file.
export { Bytes, Exchange, FolderEntry, FolderRef, HeaderPair, RequestSpec, ResponseSpec } from './types'
export {
  base64Decode,
  base64Encode,
  byteStringToBytes,
  byteStringToText,
  bytesToByteString,
  textToByteString,
  utf8DecodeStrict,
  type BodyText,
  type BodyTextOf,
} from './bytes'
export { printfFormat, printfFormatPieces, PRINTF_PIECE_BYTES, shellQuote, toCurl, toCurlMany, toCurlPieces, type ToCurlOptions } from './curl-export'
export { fromCurl, fromCurlExchanges, fromCurlMany, type FromCurlOptions } from './curl-import'
export {
  fromHar,
  fromHarEntry,
  harEntries,
  normalizeHttpVersion,
  toHar,
  type HarCreator,
  type HarDocument,
  type HarEntry,
  type ToHarOptions,
} from './har'
export {
  fromPostman,
  fromPostmanEntries,
  POSTMAN_SCHEMA_V21,
  toPostman,
  type PostmanCollection,
  type PostmanItem,
  type ToPostmanOptions,
} from './postman'
export { fromRawHttp, toRawHttp, type FromRawHttpOptions } from './raw-http'
