// simulator-cashier.js — the simulator cashier's countdown to the trade's time_expire (a file, not an inline
// script, so that the Content-Security-Policy can forbid inline scripts everywhere).
(function () {
  var el = document.getElementById('cashier-countdown');
  if (!el) return;
  var expire = Number(el.dataset.expire), pay = document.getElementById('cashier-pay');
  function tick() {
    var left = Math.floor((expire - Date.now()) / 1000);
    if (left <= 0) { el.textContent = '已超过支付期限，交易关闭'; pay.disabled = true; return; }
    el.textContent = '剩余支付时间 ' + Math.floor(left / 60) + ' 分 ' + ('0' + left % 60).slice(-2) + ' 秒';
    setTimeout(tick, 1000);
  }
  tick();
})();
