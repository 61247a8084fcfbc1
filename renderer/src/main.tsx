import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

function App() {
  return <div data-testid="app-loaded">Hookscope</div>
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
