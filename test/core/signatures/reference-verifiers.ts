// Reference verifiers and signers for the providers that publish an algorithm but no Node library
// we can run here (Slack, Shopify, Twitch), plus GitHub's legacy sha1 header, which
// @octokit/webhooks-methods no longer checks. Each is written straight from the provider's
// documentation, independently of electron/core/signatures, so that the differential tests compare
// two implementations rather than one with itself.
import { createHmac, timingSafeEqual } from 'node:crypto'

export type HeaderLookup = (name: string) => string | undefined

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

// Slack: https://api.slack.com/authentication/verifying-requests-from-slack
// basestring = "v0:" + X-Slack-Request-Timestamp + ":" + raw body; signature = "v0=" + hex HMAC-SHA256
// with the signing secret. The documentation's example refuses timestamps more than five minutes
// from local time; Slack's own Node library (Bolt, verifySlackRequest in
// https://github.com/slackapi/bolt-js/blob/main/src/receivers/verify-request.ts) refuses only those
// more than five minutes in the PAST, and apps run that library, so the reference does the same.
export function slackSignature(signingSecret: string, timestampText: string, rawBody: Buffer): string {
  const basestring = Buffer.concat([Buffer.from(`v0:${timestampText}:`), rawBody])
  return 'v0=' + createHmac('sha256', signingSecret).update(basestring).digest('hex')
}

export function slackAccepts(header: HeaderLookup, rawBody: Buffer, signingSecret: string, nowMs: number): boolean {
  const timestampText = header('x-slack-request-timestamp')
  const signature = header('x-slack-signature')
  if (!timestampText || !signature) return false
  const timestamp = Number.parseInt(timestampText, 10)
  if (Number.isNaN(timestamp)) return false
  if (timestamp < Math.floor(nowMs / 1000) - 60 * 5) return false
  return sameText(signature, slackSignature(signingSecret, timestampText, rawBody))
}

// Shopify: https://shopify.dev/docs/apps/build/webhooks/subscribe/https
// X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body with the app's client secret.
export function shopifySignature(clientSecret: string, rawBody: Buffer): string {
  return createHmac('sha256', clientSecret).update(rawBody).digest('base64')
}

export function shopifyAccepts(header: HeaderLookup, rawBody: Buffer, clientSecret: string): boolean {
  const received = header('x-shopify-hmac-sha256')
  if (!received) return false
  return sameText(received, shopifySignature(clientSecret, rawBody))
}

// Twitch EventSub: https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
// message = Twitch-Eventsub-Message-Id + Twitch-Eventsub-Message-Timestamp + raw body;
// signature = "sha256=" + hex HMAC-SHA256 with the subscription secret. The same page tells
// handlers to refuse messages whose timestamp is older than 10 minutes.
export function twitchSignature(secret: string, messageId: string, timestampText: string, rawBody: Buffer): string {
  const message = Buffer.concat([Buffer.from(messageId + timestampText), rawBody])
  return 'sha256=' + createHmac('sha256', secret).update(message).digest('hex')
}

export function twitchAccepts(header: HeaderLookup, rawBody: Buffer, secret: string, nowMs: number): boolean {
  const messageId = header('twitch-eventsub-message-id')
  const timestampText = header('twitch-eventsub-message-timestamp')
  const signature = header('twitch-eventsub-message-signature')
  if (!messageId || !timestampText || !signature) return false
  const timestampMs = Date.parse(timestampText)
  if (Number.isNaN(timestampMs) || nowMs - timestampMs > 10 * 60 * 1000) return false
  return sameText(signature, twitchSignature(secret, messageId, timestampText, rawBody))
}

/** Twitch sends RFC 3339 timestamps with nanoseconds; Date only has milliseconds. */
export function twitchTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '123456Z')
}

// GitHub's legacy header: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
// X-Hub-Signature = "sha1=" + hex HMAC-SHA1 of the raw body with the webhook secret.
export function githubSha1Signature(secret: string, rawBody: Buffer): string {
  return 'sha1=' + createHmac('sha1', secret).update(rawBody).digest('hex')
}

export function githubSha1Accepts(header: HeaderLookup, rawBody: Buffer, secret: string): boolean {
  const received = header('x-hub-signature')
  if (!received) return false
  return sameText(received, githubSha1Signature(secret, rawBody))
}
