// har-validator ships no types; the part the tests use.
declare module 'har-validator' {
  const harValidator: { har(document: unknown): Promise<unknown> }
  export default harValidator
}
