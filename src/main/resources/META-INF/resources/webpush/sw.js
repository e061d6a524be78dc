// Shows each push as a notification; a click opens the message's link (the campaign's tracked link).
self.addEventListener('push', event => {
  const message = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(message.title || '', {
    body: message.body || '',
    data: {link: message.link || null},
    tag: message.idempotencyKey
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const link = event.notification.data && event.notification.data.link;
  if (link) {
    event.waitUntil(clients.openWindow(link));
  }
});
