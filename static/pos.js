/*
 * Workshop — the POS screen (/sales/new). Keeps the cart on the page: scan or search adds a
 * product (a scanner types the SKU and Enter: an exact SKU match is added at once), quantities
 * are edited in place (0 removes the line), line totals, tax, total and change follow. Money is
 * in integer cents, as on the server, which recomputes everything when the sale is posted.
 * No dependencies, no inline code (CSP).
 */
(function () {
  'use strict';

  var doc = document;

  function $(id) {
    return doc.getElementById(id);
  }

  /* "1234" cents → "12.34" */
  function money(cents) {
    var sign = cents < 0 ? '-' : '';
    var abs = Math.abs(cents);
    var whole = Math.floor(abs / 100);
    var frac = String(abs % 100);
    return sign + whole + '.' + (frac.length < 2 ? '0' + frac : frac);
  }

  /* "12.5" → 1250 cents; NaN when it is not an amount. */
  function cents(text) {
    var t = String(text || '').replace(/[,\s]/g, '');
    if (!/^\d+(\.\d{0,2})?$/.test(t)) {
      return NaN;
    }
    var parts = t.split('.');
    var frac = (parts[1] || '') + '00';
    return parseInt(parts[0], 10) * 100 + parseInt(frac.slice(0, 2), 10);
  }

  /* Rounds half away from zero, like the server. */
  function percentOf(amount, bp) {
    var raw = amount * bp / 10000;
    return raw < 0 ? -Math.round(-raw) : Math.round(raw);
  }

  function init() {
    var form = $('pos');
    if (!form) {
      return;
    }
    var scan = $('pos-scan');
    var hits = $('pos-hits');
    var lines = $('pos-lines');
    var template = $('pos-line-template');
    var status = $('pos-scan-status');
    var taxBp = parseInt(form.getAttribute('data-tax-bp') || '0', 10) || 0;

    function rows() {
      return Array.prototype.slice.call(lines.querySelectorAll('tr.pos-line'));
    }

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function recalc() {
      var subtotal = 0;
      rows().forEach(function (row) {
        var qty = parseInt(row.querySelector('.pos-qty').value, 10) || 0;
        var price = parseInt(row.getAttribute('data-price'), 10) || 0;
        var total = qty * price;
        subtotal += total;
        row.querySelector('.pos-line-total').textContent = money(total);
      });
      var tax = percentOf(subtotal, taxBp);
      var total = subtotal + tax;
      $('pos-subtotal').textContent = money(subtotal);
      $('pos-tax').textContent = money(tax);
      $('pos-total').textContent = money(total);
      $('pos-empty').hidden = rows().length > 0;
      $('pos-complete').disabled = rows().length === 0;
      $('pos-draft').disabled = rows().length === 0;
      var method = $('pos-method').value;
      var cashBox = form.querySelector('.pos-cash');
      if (cashBox) {
        cashBox.hidden = method !== 'cash';
      }
      var tendered = cents($('pos-tendered').value);
      var changeLine = $('pos-change-line');
      if (method === 'cash' && !isNaN(tendered) && rows().length > 0) {
        changeLine.hidden = false;
        if (tendered >= total) {
          $('pos-change').textContent = money(tendered - total);
          changeLine.classList.remove('is-short');
        } else {
          $('pos-change').textContent = 'short by ' + money(total - tendered);
          changeLine.classList.add('is-short');
        }
      } else {
        changeLine.hidden = true;
      }
    }

    function add(button) {
      var id = button.getAttribute('data-product');
      var available = parseInt(button.getAttribute('data-available'), 10);
      var existing = lines.querySelector('tr.pos-line[data-product="' + id + '"]');
      var name = button.getAttribute('data-name');
      if (existing) {
        var qty = existing.querySelector('.pos-qty');
        qty.value = (parseInt(qty.value, 10) || 0) + 1;
      } else {
        var row = template.content.firstElementChild.cloneNode(true);
        row.setAttribute('data-product', id);
        row.setAttribute('data-price', button.getAttribute('data-price'));
        row.querySelector('.pos-line-name').textContent = name;
        row.querySelector('.pos-line-sku').textContent = button.getAttribute('data-sku') || '';
        row.querySelector('input[name="line_product"]').value = id;
        var price = money(parseInt(button.getAttribute('data-price'), 10) || 0);
        row.querySelector('.pos-line-price').textContent = price;
        // Shown under the name where the price column does not fit (a phone).
        row.querySelector('.pos-line-each').textContent = '@ ' + price;
        row.querySelector('.pos-remove').setAttribute('aria-label', 'Remove ' + name);
        row.querySelector('.pos-qty').setAttribute('aria-label', 'Quantity of ' + name);
        lines.appendChild(row);
        existing = row;
      }
      var now = parseInt(existing.querySelector('.pos-qty').value, 10) || 0;
      say(!isNaN(available) && now > available
        ? 'Only ' + available + ' of ' + name + ' in stock here.'
        : 'Added ' + name + '.');
      recalc();
    }

    function clearSearch() {
      scan.value = '';
      hits.innerHTML = '';
      scan.focus();
    }

    // What a scanner typed (or Enter after typing): an exact SKU is added at once; otherwise
    // the matches are shown to choose from.
    function lookUp(code) {
      var url = scan.getAttribute('data-hits-url') + '&q=' + encodeURIComponent(code);
      return window.fetch(url, {
        credentials: 'same-origin',
        headers: { 'HX-Request': 'true' }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      }).then(function (html) {
        var box = doc.createElement('div');
        box.innerHTML = html;
        var exact = box.querySelector('.pos-hit[data-exact="true"]:not([disabled])');
        if (exact) {
          add(exact);
          clearSearch();
        } else {
          hits.innerHTML = html;
          say(box.querySelector('.pos-hit') ? 'Choose the product.' : 'No product with that code here.');
        }
      }).catch(function () {
        say('Could not search: check the connection and try again.');
      });
    }

    scan.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') {
        return;
      }
      event.preventDefault();
      var code = scan.value.trim();
      if (code) {
        lookUp(code);
      }
    });

    hits.addEventListener('click', function (event) {
      var button = event.target.closest ? event.target.closest('.pos-hit') : null;
      if (button && !button.disabled) {
        event.preventDefault();
        add(button);
        clearSearch();
      }
    });

    lines.addEventListener('click', function (event) {
      var remove = event.target.closest ? event.target.closest('.pos-remove') : null;
      if (remove) {
        var row = remove.closest('tr');
        row.parentNode.removeChild(row);
        recalc();
        scan.focus();
      }
    });

    lines.addEventListener('change', function (event) {
      if (event.target.classList.contains('pos-qty')) {
        var row = event.target.closest('tr');
        if ((parseInt(event.target.value, 10) || 0) <= 0) {
          row.parentNode.removeChild(row);
        }
        recalc();
      }
    });

    lines.addEventListener('input', recalc);
    $('pos-tendered').addEventListener('input', recalc);
    $('pos-method').addEventListener('change', recalc);

    // Enter in a quantity or the customer search must not post the sale by accident.
    form.addEventListener('keydown', function (event) {
      var t = event.target;
      if (event.key === 'Enter' && t !== scan &&
          (t.classList.contains('pos-qty') || t.id === 'pos-customer-q')) {
        event.preventDefault();
        t.blur();
        recalc();
      }
    });

    // The customer picker only matters for a registered customer.
    function customerMode() {
      var chosen = form.querySelector('input[name="customer_mode"]:checked');
      var pick = form.querySelector('.pos-customer-pick');
      if (pick) {
        pick.hidden = !chosen || chosen.value !== 'customer';
      }
    }
    form.addEventListener('change', function (event) {
      if (event.target.name === 'customer_mode') {
        customerMode();
        if (event.target.value === 'customer') {
          $('pos-customer-q').focus();
        }
      }
    });

    customerMode();
    recalc();
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
