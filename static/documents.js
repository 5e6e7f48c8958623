/*
 * Workshop — the two buttons of documents and the invoice page: [data-print] prints the page,
 * [data-copy="#field"] copies a field's text (the customer link). Plain ES5, no inline code,
 * so it runs under the Content-Security-Policy; without it the page still reads and the
 * link can be selected by hand.
 */
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  function copied(button) {
    var label = button.textContent;
    button.textContent = 'Copied';
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copy(button) {
    var field = document.querySelector(button.getAttribute('data-copy'));
    if (!field) {
      return;
    }
    var text = field.value || field.textContent || '';
    var fallback = function () {
      field.focus();
      if (field.select) {
        field.select();
      }
      try {
        if (document.execCommand('copy')) {
          copied(button);
        }
      } catch (e) {
        /* the text stays selected for the user to copy */
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener('click', function (event) {
    var target = event.target && event.target.closest ? event.target.closest('[data-print],[data-copy]') : null;
    if (!target) {
      return;
    }
    if (target.hasAttribute('data-print')) {
      window.print();
    } else {
      copy(target);
    }
  });
})();
