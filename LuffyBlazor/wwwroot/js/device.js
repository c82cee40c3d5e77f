// The browser's user agent, so the server can send phones to Alipay's wap cashier.
export function userAgent() {
  return navigator.userAgent;
}
