// Where Hookscope keeps its data when the user does not say: the same folder Electron's
// app.getPath('userData') uses for an app named Hookscope, so both hosts share one history.
import os from 'node:os'
import path from 'node:path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hookscope')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hookscope')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Hookscope')
}
