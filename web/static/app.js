// Upload progress: htmx reports how much of a form's request has been
// sent; a <progress> inside the form shows it.
document.addEventListener("htmx:xhr:progress", function (e) {
  var bar = e.target.querySelector && e.target.querySelector("progress");
  if (bar && e.detail.lengthComputable && e.detail.total > 0) {
    bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
  }
});

// Confirm before a destructive form is posted: <form data-confirm="…">.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// Sales document editor: add, remove and move lines, keep their names
// (lines.N.field) in order, and show estimated totals while typing. The
// server recomputes everything on save; these totals are a convenience.
(function () {
  function editor(el) { return el.closest && el.closest("#document-form"); }

  function parseNumber(s) {
    s = String(s || "").replace(/[\s\u00a0\u202f'%]/g, "").replace(",", ".");
    if (s === "") { return 0; }
    var v = Number(s);
    return isNaN(v) ? NaN : v;
  }

  function renumber(form) {
    form.querySelectorAll("#line-rows tr.doc-line").forEach(function (row, i) {
      row.querySelectorAll("[data-field]").forEach(function (input) {
        if (input.name) { input.name = "lines." + i + "." + input.dataset.field; }
      });
    });
  }

  // money writes an amount as the server's Page.Money does: "1 234,50 €"
  // in French (narrow no-break spaces between thousands), "1,234.50 €" in
  // English, the euro sign after a no-break space in both.
  function money(v, lang) {
    var en = lang === "en";
    var cents = Math.round(Math.abs(v) * 100);
    var units = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, en ? "," : "\u202f");
    var frac = String(cents % 100).padStart(2, "0");
    return (v < 0 && cents > 0 ? "-" : "") + units + (en ? "." : ",") + frac + "\u00a0€";
  }

  function recompute(form) {
    var lang = form.dataset.lang;
    var byRate = {};
    var bad = false;
    form.querySelectorAll("#line-rows tr.doc-line").forEach(function (row) {
      var out = row.querySelector("output.line-total");
      if (row.dataset.kind !== "item") { if (out) { out.textContent = ""; } return; }
      var get = function (f) { var i = row.querySelector("[data-field=" + f + "]"); return i ? parseNumber(i.value) : 0; };
      var net = get("quantity") * get("unit_price") * (1 - get("discount") / 100);
      var rate = get("vat_rate");
      if (isNaN(net) || isNaN(rate)) { bad = true; if (out) { out.textContent = "?"; } return; }
      net = Math.round(net * 100) / 100;
      if (out) { out.textContent = money(net, lang); }
      byRate[rate] = (byRate[rate] || 0) + net;
    });
    var discount = parseNumber((form.querySelector("#f-discount") || {}).value) || 0;
    var totalNet = 0, totalVAT = 0;
    Object.keys(byRate).forEach(function (rate) {
      var base = Math.round(byRate[rate] * (1 - discount / 100) * 100) / 100;
      totalNet += base;
      totalVAT += Math.round(base * Number(rate)) / 100;
    });
    var set = function (k, v) { var c = form.querySelector("#live-totals [data-total=" + k + "]"); if (c) { c.textContent = bad ? "?" : money(v, lang); } };
    set("net", totalNet);
    set("vat", totalVAT);
    set("gross", totalNet + totalVAT);
  }

  // The product picker (an <input list> over the #catalog-products
  // datalist): picking a product fills its line from the option's data
  // attributes, formatted by the server in the page's language, and links
  // the line to the product; every field stays editable.
  function productOption(form, text, byReference) {
    var list = form.querySelector("#catalog-products");
    text = String(text || "").trim();
    if (!list || text === "") { return null; }
    var found = null;
    var ref = text.toLowerCase();
    list.querySelectorAll("option").forEach(function (o) {
      if (found) { return; }
      if (o.value === text || (byReference && o.dataset.reference.toLowerCase() === ref)) { found = o; }
    });
    return found;
  }

  function setField(row, field, value) {
    var input = row.querySelector("[data-field=" + field + "]");
    if (!input) { return; }
    if (input.tagName === "SELECT" && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) { return; }
    input.value = value;
  }

  function pickProduct(form, picker, opt) {
    var row = picker.closest("tr.doc-line");
    if (!row) { return; }
    picker.value = opt.value;
    setField(row, "product_id", opt.dataset.productId);
    setField(row, "unit", opt.dataset.unit);
    if (form.dataset.purchase) {
      // A purchase: the server completes the line on save with what the
      // supplier charges and calls it (their price and reference), which
      // depends on the supplier chosen; the fields are left for it.
      setField(row, "reference", "");
      setField(row, "description", "");
      setField(row, "unit_price", "");
    } else {
      setField(row, "reference", opt.dataset.reference);
      setField(row, "description", opt.dataset.description);
      setField(row, "unit_price", opt.dataset.price);
    }
    var exemption = form.querySelector("#f-exemption");
    if (!exemption || exemption.value === "" || exemption.value === "default") {
      setField(row, "vat_rate", opt.dataset.vatRate);
    }
    var qty = row.querySelector("[data-field=quantity]");
    if (qty && parseNumber(qty.value) === 0) { qty.value = "1"; }
    picker.classList.remove("is-invalid");
    recompute(form);
  }

  // A picker left on text that names no product unlinks its line, and
  // its text goes to the line's description (where the server would put
  // it too), so that nothing typed is lost.
  function settlePicker(form, picker) {
    var opt = productOption(form, picker.value, true);
    if (opt) {
      if (picker.value !== opt.value) { pickProduct(form, picker, opt); }
      return opt;
    }
    var row = picker.closest("tr.doc-line");
    var id = row.querySelector("[data-field=product_id]");
    if (id) { id.value = ""; }
    var text = picker.value.trim();
    var desc = row.querySelector("[data-field=description]");
    if (text !== "" && desc && desc.value.indexOf(text) < 0) {
      desc.value = desc.value.trim() === "" ? text : text + "\n" + desc.value;
      picker.value = "";
    }
    return null;
  }

  function addLine(form, after, kind) {
    var tpl = document.getElementById("line-template");
    var body = form.querySelector("#line-rows");
    var row = tpl.content.querySelector("tr").cloneNode(true);
    if (kind) {
      row.dataset.kind = kind;
      row.querySelector("[data-field=kind]").value = kind;
    }
    var exemption = form.querySelector("#f-exemption");
    if (exemption && exemption.value !== "" && exemption.value !== "default") {
      row.querySelector("[data-field=vat_rate]").value = "0";
    }
    if (after && after.nextSibling) { body.insertBefore(row, after.nextSibling); } else { body.appendChild(row); }
    renumber(form);
    recompute(form);
    row.querySelector("[data-field=description]").focus();
    return row;
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-line-action]");
    if (!btn) { return; }
    var form = editor(btn);
    if (!form) { return; }
    var row = btn.closest("tr.doc-line");
    switch (btn.dataset.lineAction) {
    case "add": addLine(form, null); break;
    case "add-section": addLine(form, null, "section"); break;
    case "remove":
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      if (!form.querySelector("#line-rows tr.doc-line")) { addLine(form, null); } else if (next) { next.querySelector("[data-field=description]").focus(); }
      break;
    case "up":
      if (row.previousElementSibling) { row.parentNode.insertBefore(row, row.previousElementSibling); btn.focus(); }
      break;
    }
    renumber(form);
    recompute(form);
  });

  document.addEventListener("input", function (e) {
    var form = editor(e.target);
    if (!form) { return; }
    if (e.target.dataset.field === "product") {
      var opt = productOption(form, e.target.value, false);
      if (opt) { pickProduct(form, e.target, opt); return; }
    }
    recompute(form);
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    var form = editor(t);
    if (form && t.dataset && t.dataset.field === "product") {
      settlePicker(form, t);
    }
    if (t.dataset && t.dataset.field === "kind") {
      t.closest("tr.doc-line").dataset.kind = t.value;
    }
    if (t.id === "f-exemption") {
      var mention = document.getElementById("exemption-mention");
      var opt = t.options[t.selectedIndex];
      if (mention && opt) { mention.textContent = opt.dataset.mention || ""; }
      if (form && t.value !== "" && t.value !== "default") {
        form.querySelectorAll("#line-rows [data-field=vat_rate]").forEach(function (s) { s.value = "0"; });
      }
    }
    if (form) { recompute(form); }
  });

  // Enter in a line goes to the same field of the next line, adding one
  // after the last; Ctrl+Enter (or Cmd+Enter) saves from anywhere.
  document.addEventListener("keydown", function (e) {
    var form = editor(e.target);
    if (!form || e.key !== "Enter" || e.isComposing) { return; }
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      form.requestSubmit();
      return;
    }
    var row = e.target.closest("tr.doc-line");
    if (!row || e.target.tagName === "TEXTAREA" || e.target.tagName === "BUTTON") { return; }
    e.preventDefault();
    // Enter in the picker takes the product (its label or its reference)
    // and goes on to the line's quantity.
    if (e.target.dataset.field === "product") {
      if (settlePicker(form, e.target)) {
        var qty = row.querySelector("[data-field=quantity]");
        qty.focus();
        qty.select();
      }
      return;
    }
    var next = row.nextElementSibling;
    if (!next) { addLine(form, row); return; }
    var target = next.querySelector("[data-field=" + e.target.dataset.field + "]") || next.querySelector("[data-field=description]");
    target.focus();
  });

  // A line's input never submits the form on Enter: the keydown above
  // has moved the focus, and an Enter that still arrives as a keypress
  // (sent without its keydown, as automation tools do) must not post a
  // half-written document.
  document.addEventListener("keypress", function (e) {
    if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && e.target.tagName === "INPUT" && editor(e.target) && e.target.closest("tr.doc-line")) {
      e.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("document-form");
    if (form) { recompute(form); }
  });
  document.addEventListener("htmx:load", function (e) {
    var form = e.target.querySelector && e.target.querySelector("#document-form");
    if (form) { recompute(form); }
  });
})();
