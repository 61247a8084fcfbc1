// Svix: Standard Webhooks under `svix-id`, `svix-timestamp` and `svix-signature`. Like the svix
// library, each of the three falls back to its unbranded `webhook-*` name when the svix one is
// absent, and re-signing writes whichever name the request already uses (svix-* when neither).
import { createStandardWebhooksScheme, preferPresent } from './standard-webhooks'
import type { SignatureScheme } from './scheme'

export const svix: SignatureScheme = createStandardWebhooksScheme({
  id: 'svix',
  label: 'Svix',
  headerNames: ['svix-id', 'svix-timestamp', 'svix-signature'],
  namesIn: (headers) => ({
    id: preferPresent(headers, 'svix-id', 'webhook-id'),
    timestamp: preferPresent(headers, 'svix-timestamp', 'webhook-timestamp'),
    signature: preferPresent(headers, 'svix-signature', 'webhook-signature'),
  }),
})
