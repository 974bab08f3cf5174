// A query chooses what a map popup links to (datasette-cluster-map escapes the HTML,
// not the URL's scheme): a link that is not http(s) loses its href as soon as it is
// added, before anyone can click it. The page's CSP would refuse a javascript: URL too.
(() => {
  const SAFE = new Set(["http:", "https:", "mailto:"]);  // mailto: for the contact in the footer

  const check = (link) => {
    const href = link.getAttribute("href");
    if (href === null) return;
    let url = null;
    try {
      url = new URL(href, document.baseURI);
    } catch (error) {
      url = null;
    }
    if (!url || !SAFE.has(url.protocol)) link.removeAttribute("href");
  };

  const checkTree = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches("a[href]")) check(node);
    node.querySelectorAll("a[href]").forEach(check);
  };

  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") checkTree(record.target);
      else record.addedNodes.forEach(checkTree);
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["href"],
  });
  document.addEventListener("DOMContentLoaded", () => checkTree(document.documentElement));
})();
