// shop.js — the little the shop's static pages do in the browser; every page works without it (a file, not an
// inline script: the Content-Security-Policy forbids inline scripts). Loaded once by App.razor: Blazor's enhanced
// navigation swaps page content without reloading scripts, so listeners sit on the document.
(function () {
  'use strict';

  // The catalogue's search box searches as you type: its GET form is submitted 350 ms after the last key (through
  // enhanced navigation, so only the page's content changes). Without scripts, Enter submits it.
  var typing = null;
  document.addEventListener('input', function (e) {
    var box = e.target;
    if (!box || box.id !== 'course-search' || !box.form) return;
    clearTimeout(typing);
    typing = setTimeout(function () {
      if (box.form.requestSubmit) box.form.requestSubmit(); else box.form.submit();
    }, 350);
  });
})();
