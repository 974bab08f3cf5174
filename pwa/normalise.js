// Search normalisation, mirrored from directory/bundle/normalise.py: the bundle's
// search text is made there, the query here, and both must agree. One table of
// cases (tests/normalise_cases.json) is run against both; read the Python
// docstring for the steps and why.

const LETTERS = new Map([
  ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"],
  ["ى", "ي"], ["ی", "ي"],
  ["ک", "ك"],
  ["ة", "ه"], ["ۀ", "ه"], ["ە", "ه"], ["ہ", "ه"],
  ["ـ", ""],
]);
for (let d = 0; d < 10; d++) {
  LETTERS.set(String.fromCharCode(0x0660 + d), String(d));
  LETTERS.set(String.fromCharCode(0x06f0 + d), String(d));
}
const DROPPED = /^[\p{Mn}\p{Cf}]$/u;
const WORDLIKE = /^[\p{L}\p{N}]$/u;
const ARTICLE = /^(?:ال|لل)+(?=..)/u;

export function normalise(text) {
  if (!text) return "";
  const decomposed = String(text).toLowerCase().normalize("NFKD");
  let kept = "";
  for (const original of decomposed) {
    const char = LETTERS.has(original) ? LETTERS.get(original) : original;
    if (char === "" || DROPPED.test(char)) continue;
    kept += WORDLIKE.test(char) ? char : " ";
  }
  return kept
    .split(" ")
    .filter((word) => word !== "")
    .map((word) => word.replace(ARTICLE, ""))
    .join(" ");
}
