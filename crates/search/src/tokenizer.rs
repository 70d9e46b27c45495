//! The one analyser used at index and at query time (docs/RULES.md#matching).
//!
//! Text is split into runs. A run of Hangul syllables (U+AC00–U+D7A3) yields its syllable
//! bigrams (`예산회계` → 예산, 산회, 회계), or the syllable itself when it is one syllable long;
//! two Hangul runs separated by exactly one whitespace character also yield the bigram across
//! that space (`예산 회계` → 예산, 산회, 회계). A run of Latin letters or digits is one word,
//! lower-cased and stemmed in English. Everything else separates.

use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// The name under which the analyser is registered on the index.
pub const TOKENIZER_NAME: &str = "gureum";

/// Words longer than this (in bytes, after lower-casing) are dropped: they are noise
/// (hashes, base64) and tantivy limits term length.
const MAX_WORD_BYTES: usize = 64;

/// The analyser to register under [`TOKENIZER_NAME`].
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(GureumTokenizer::default())
}

fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The lower-cased form of a Latin letter or digit, or `None` when `c` is not one.
/// Full-width ASCII forms (common in Korean text) fold to ASCII.
fn word_char(c: char) -> Option<char> {
    let c = match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c)
        }
        _ => c,
    };
    let latin = c.is_ascii_alphanumeric()
        || (c.is_alphabetic() && matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF) && c != '\u{D7}' && c != '\u{F7}');
    if !latin {
        return None;
    }
    // Lower-casing a Latin letter gives one char except for a few (e.g. 'İ'); keep the first.
    c.to_lowercase().next()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKind {
    Hangul,
    Word,
}

/// A run of the text: its kind and its byte range.
#[derive(Debug, Clone, Copy)]
struct Run {
    kind: RunKind,
    from: usize,
    to: usize,
}

fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut current: Option<Run> = None;
    for (i, c) in text.char_indices() {
        let kind = if is_hangul_syllable(c) {
            Some(RunKind::Hangul)
        } else if word_char(c).is_some() {
            Some(RunKind::Word)
        } else {
            None
        };
        let end = i + c.len_utf8();
        match (kind, current.as_mut()) {
            (Some(k), Some(run)) if run.kind == k => run.to = end,
            (Some(k), _) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
                current = Some(Run { kind: k, from: i, to: end });
            }
            (None, _) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
            }
        }
    }
    if let Some(run) = current {
        out.push(run);
    }
    out
}

/// True when exactly one whitespace character separates two byte offsets of `text`.
fn one_space_between(text: &str, from: usize, to: usize) -> bool {
    let mut chars = text.get(from..to).unwrap_or("").chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_whitespace())
}

/// One unit a query word must match (all of its terms in one field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Every term must be in the field (a Latin word, or a Hangul run's bigrams).
    Terms(Vec<String>),
    /// A one-syllable Hangul word: the syllable, or any bigram starting or ending with it.
    Syllable(String),
}

/// The analyser: see the module documentation.
#[derive(Clone)]
pub struct GureumTokenizer {
    stemmer: TextAnalyzer,
}

impl Default for GureumTokenizer {
    fn default() -> Self {
        Self { stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build() }
    }
}

impl GureumTokenizer {
    /// The lower-cased, stemmed form of a word run, or `None` when it is too long.
    fn word(&mut self, run: &str) -> Option<String> {
        let lower: String = run.chars().filter_map(word_char).collect();
        if lower.is_empty() || lower.len() > MAX_WORD_BYTES {
            return None;
        }
        let stemmed = self.stemmer.token_stream(&lower).next().map(|t| t.text.clone());
        match stemmed {
            Some(s) if !s.is_empty() => Some(s),
            _ => Some(lower),
        }
    }

    /// Every token of `text`, in order.
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut push = |text: String, from: usize, to: usize| {
            let position = out.len();
            out.push(Token { offset_from: from, offset_to: to, position, text, position_length: 1 });
        };
        let mut previous_hangul_end: Option<usize> = None;
        for run in runs(text) {
            let s = text.get(run.from..run.to).unwrap_or("");
            match run.kind {
                RunKind::Hangul => {
                    let chars: Vec<(usize, char)> = s.char_indices().collect();
                    if let (Some(prev_end), Some(&(_, first))) = (previous_hangul_end, chars.first())
                        && one_space_between(text, prev_end, run.from)
                        && let Some(last) = text.get(..prev_end).and_then(|p| p.chars().next_back())
                    {
                        let from = prev_end - last.len_utf8();
                        push(format!("{last}{first}"), from, run.from + first.len_utf8());
                    }
                    if chars.len() == 1 {
                        push(s.to_owned(), run.from, run.to);
                    }
                    for pair in chars.windows(2) {
                        if let [(i, a), (j, b)] = pair {
                            push(format!("{a}{b}"), run.from + i, run.from + j + b.len_utf8());
                        }
                    }
                    previous_hangul_end = Some(run.to);
                }
                RunKind::Word => {
                    previous_hangul_end = None;
                    if let Some(w) = self.word(s) {
                        push(w, run.from, run.to);
                    }
                }
            }
        }
        out
    }

    /// The units one whitespace-free query word must match: one per run.
    pub fn units(&mut self, word: &str) -> Vec<Unit> {
        let mut out = Vec::new();
        for run in runs(word) {
            let s = word.get(run.from..run.to).unwrap_or("");
            match run.kind {
                RunKind::Hangul => {
                    let chars: Vec<char> = s.chars().collect();
                    if chars.len() == 1 {
                        out.push(Unit::Syllable(s.to_owned()));
                    } else {
                        let mut bigrams: Vec<String> = chars.windows(2).map(|p| p.iter().collect()).collect();
                        bigrams.sort();
                        bigrams.dedup();
                        out.push(Unit::Terms(bigrams));
                    }
                }
                RunKind::Word => {
                    if let Some(w) = self.word(s) {
                        out.push(Unit::Terms(vec![w]));
                    }
                }
            }
        }
        out
    }
}

/// The tokens of one text, handed out one by one.
pub struct GureumTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl TokenStream for GureumTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.current = t;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

impl Tokenizer for GureumTokenizer {
    type TokenStream<'a> = GureumTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GureumTokenStream {
        GureumTokenStream { tokens: self.tokens(text).into_iter(), current: Token::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(s: &str) -> Vec<String> {
        GureumTokenizer::default().tokens(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn hangul_bigrams() {
        assert_eq!(texts("예산회계"), ["예산", "산회", "회계"]);
        assert_eq!(texts("예산 회계"), ["예산", "산회", "회계"]);
        assert_eq!(texts("예산  회계"), ["예산", "회계"]);
        assert_eq!(texts("예산, 회계"), ["예산", "회계"]);
        assert_eq!(texts("전자결재"), ["전자", "자결", "결재"]);
        assert_eq!(texts("나 홀로"), ["나", "나홀", "홀로"]);
        assert_eq!(texts("형"), ["형"]);
    }

    #[test]
    fn latin_words() {
        assert_eq!(texts("Cloud Backups"), ["cloud", "backup"]);
        assert_eq!(texts("SaaS형 서비스"), ["saa", "형", "형서", "서비", "비스"]);
        assert_eq!(texts("ＡＢＣ 2024"), ["abc", "2024"]);
        assert_eq!(texts("e-mail"), ["e", "mail"]);
        assert_eq!(texts("Windows10"), ["windows10"]);
        assert_eq!(texts(&"x".repeat(100)), Vec::<String>::new());
    }

    #[test]
    fn query_units() {
        let mut t = GureumTokenizer::default();
        assert_eq!(t.units("SaaS형"), [Unit::Terms(vec!["saa".into()]), Unit::Syllable("형".into())]);
        assert_eq!(t.units("예산회계"), [Unit::Terms(vec!["산회".into(), "예산".into(), "회계".into()])]);
        assert_eq!(t.units("!!"), []);
    }

    #[test]
    fn offsets_are_char_boundaries() {
        let text = "가 나다 ab 라";
        for tok in GureumTokenizer::default().tokens(text) {
            assert!(text.get(tok.offset_from..tok.offset_to).is_some(), "{tok:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_bigrams_have_two_syllables(s in "\\PC{0,60}") {
            let mut t = GureumTokenizer::default();
            for tok in t.tokens(&s) {
                prop_assert!(!tok.text.is_empty());
                prop_assert!(s.get(tok.offset_from..tok.offset_to).is_some());
                let n = tok.text.chars().count();
                if tok.text.chars().all(is_hangul_syllable) {
                    prop_assert!(n == 1 || n == 2, "{:?}", tok.text);
                }
            }
            for word in s.split_whitespace() {
                for unit in t.units(word) {
                    if let Unit::Terms(terms) = unit {
                        for term in terms {
                            if term.chars().all(is_hangul_syllable) {
                                prop_assert_eq!(term.chars().count(), 2);
                            }
                        }
                    }
                }
            }
        }

        #[test]
        fn hangul_runs_give_only_bigrams(s in "[가-힣]{2,12}( [가-힣]{2,12}){0,3}") {
            for tok in GureumTokenizer::default().tokens(&s) {
                prop_assert_eq!(tok.text.chars().count(), 2);
            }
        }

        #[test]
        fn a_query_word_matches_its_own_text(s in "[가-힣a-zA-Z0-9]{1,16}") {
            let mut t = GureumTokenizer::default();
            let indexed: Vec<String> = t.tokens(&s).into_iter().map(|t| t.text).collect();
            for unit in t.units(&s) {
                match unit {
                    Unit::Terms(terms) => for term in terms {
                        prop_assert!(indexed.contains(&term), "{term} not in {indexed:?}");
                    },
                    Unit::Syllable(syl) => prop_assert!(indexed.iter().any(|i| i.starts_with(&syl) || i.ends_with(&syl))),
                }
            }
        }
    }
}
