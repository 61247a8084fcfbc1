// Spellings of a path that would leave the UI's folder for a folder beside it (`<ui>-secret`, whose
// name starts like the UI folder's) and read its token.txt: escaped slashes and dots, backslashes, an
// encoded NUL, and more `..` than the path is deep. Both hosts' tests try them.
export function traversalPaths(name: string, sibling: string): string[] {
  return [
    `/..%2f${name}%2ftoken.txt`,
    `/%2e%2e%2f${name}/token.txt`,
    `/..%5c${name}%5ctoken.txt`,
    `/assets/..%2f..%2f${name}/token.txt`,
    `/..%2f${name}/token.txt%00.js`,
    `/${'..%2f'.repeat(40)}${sibling.replace(/^\//, '')}/token.txt`,
  ]
}
