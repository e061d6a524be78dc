// How a campaign's message looks on a phone's lock screen, rendered from the fields as typed.
import { h, replace } from '../ui.js';

export function phonePreview() {
  const screen = h('div', { class: 'phone-screen' });
  const el = h('figure', { class: 'phone', 'aria-label': 'Preview on a phone' },
    h('div', { class: 'phone-notch', 'aria-hidden': 'true' }), screen,
    h('figcaption', { class: 'muted small' }, 'Preview as a push notification'));
  const update = ({ title, body, link, member, channel }) => {
    const now = new Date();
    const host = hostOf(link);
    replace(screen,
      h('div', { class: 'phone-clock', 'aria-hidden': 'true' }, now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
      h('div', { class: 'notification', 'data-preview': true },
        h('div', { class: 'notification-head' },
          h('span', { class: 'app-icon', 'aria-hidden': 'true' }, '▲'), h('span', {}, 'PUSH'),
          h('span', { class: 'muted' }, channel ? ` · ${channel}` : ''), h('span', { class: 'muted right' }, 'now')),
        h('div', { class: 'notification-title', 'data-preview-title': true }, title || h('span', { class: 'muted' }, 'Title')),
        h('div', { class: 'notification-body', 'data-preview-body': true }, body || h('span', { class: 'muted' }, 'Message body')),
        host ? h('div', { class: 'notification-link' }, `Opens ${host}`) : null),
      member ? h('div', { class: 'phone-member' }, member) : null);
  };
  return { el, update };
}

function hostOf(link) {
  if (!link) return null;
  try { return new URL(link).host || link; } catch { return link; }
}
