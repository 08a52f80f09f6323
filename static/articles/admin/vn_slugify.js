/* Vietnamese-aware slugs for the admin's prepopulated fields.
 *
 * Django's URLify turns "Biển Đông" into "bin-djong". This replaces the global
 * URLify that prepopulate.js calls, with the server's rule (articles.text.slugify_vi):
 * "đ/Đ" -> "d", every other diacritic dropped, ASCII words joined by hyphens.
 */
(function (root) {
  "use strict";
  function vnSlugify(value, maxLength) {
    var s = String(value).replace(/đ/g, "d").replace(/Đ/g, "D");
    // Dashes and slashes separate words ("ASEAN–Mỹ" -> "asean-my"), as on the server.
    s = s.replace(/[\u2013\u2014\/]/g, " ");
    s = s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    s = s.replace(/[^\x00-\x7f]/g, "");
    s = s.toLowerCase().replace(/[^\w\s-]/g, "").trim();
    s = s.replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
    if (maxLength && s.length > maxLength) {
      s = s.substring(0, maxLength);
      var cut = s.lastIndexOf("-");
      if (cut > 0) { s = s.substring(0, cut); }
    }
    return s.replace(/-+$/, "");
  }
  root.URLify = function (value, numChars) { return vnSlugify(value, numChars); };
  root.vnSlugify = vnSlugify;
  if (typeof module !== "undefined" && module.exports) { module.exports = vnSlugify; }
})(typeof window !== "undefined" ? window : globalThis);
