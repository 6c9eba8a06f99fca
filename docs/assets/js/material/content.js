/* Material for MkDocs 9.x partials/javascripts/content.html, moved out of the page (no inline scripts under the CSP). */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"));
