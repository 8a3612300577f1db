//! Certificate codes: 10 random Crockford base-32 symbols (50 bits) and one check symbol,
//! printed in groups that are easy to read aloud: `K7QD-M2XF-R9A`.
//!
//! The alphabet has no I, L, O or U; input is forgiving (lower case, spaces, dashes, O→0,
//! I/L→1), and a URL such as `https://clinic.ru/c/K7QD-M2XF-R9A` is accepted as well as the bare
//! code, so one parser serves the camera, a keyboard-wedge scanner and a person typing.
//!
//! The check symbol makes the weighted sum of all eleven symbols, taken in the field GF(32),
//! zero: `Σ αⁱ⁺¹·sᵢ = 0`. Changing one symbol by e ≠ 0 changes the sum by αⁱ⁺¹·e ≠ 0, and
//! swapping two different neighbours changes it by αⁱ⁺¹(1+α)(sᵢ+sᵢ₊₁) ≠ 0, so **every single
//! substitution and every adjacent transposition is caught** (tested exhaustively below) —
//! before any database lookup. This module is plain Rust: the browser checks as people type.

/// Crockford's base-32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols per code (5 bits each: 50 bits of entropy).
pub const DATA_LEN: usize = 10;
/// Symbols per code with the check symbol.
pub const CODE_LEN: usize = DATA_LEN + 1;

/// Why a typed or scanned text is not a certificate code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// Nothing typed.
    Empty,
    /// A character that cannot be part of a code.
    BadCharacter(char),
    /// Too few or too many symbols.
    WrongLength(usize),
    /// All symbols are valid but the check symbol does not match: a typo or misread.
    CheckFailed,
}

/// A certificate code that passed the check: 11 upper-case symbols without separators.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// The stored form: `K7QDM2XFR9A`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: `K7QD-M2XF-R9A`.
    pub fn display(&self) -> String {
        grouped(&self.0)
    }

    /// Parses what a person typed or a scanner read: a bare code or a URL ending in `/c/CODE`.
    pub fn parse(input: &str) -> Result<Code, CodeProblem> {
        let text = input.trim();
        // A URL from the QR code: take what follows the last "/c/" (query and fragment dropped).
        let text = match text.rfind("/c/") {
            Some(i) => text[i + 3..].split(['?', '#', '/']).next().unwrap_or(""),
            None => text,
        };
        let mut values = Vec::with_capacity(CODE_LEN);
        for ch in text.chars() {
            if matches!(ch, '-' | ' ' | '\u{a0}' | '_' | '.' | '\t') {
                continue;
            }
            match value(ch) {
                Some(v) => values.push(v),
                None => return Err(CodeProblem::BadCharacter(ch)),
            }
        }
        if values.is_empty() {
            return Err(CodeProblem::Empty);
        }
        if values.len() != CODE_LEN {
            return Err(CodeProblem::WrongLength(values.len()));
        }
        if weighted_sum(&values) != 0 {
            return Err(CodeProblem::CheckFailed);
        }
        Ok(Code(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        ))
    }

    /// Builds a code from ten random symbol values (each taken modulo 32).
    pub fn from_data(data: [u8; DATA_LEN]) -> Code {
        let mut values: Vec<u8> = data.iter().map(|v| v & 31).collect();
        values.push(check_value(&values));
        Code(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        )
    }

    /// A fresh code from the operating system's CSPRNG.
    #[cfg(feature = "server")]
    pub fn random() -> Code {
        use rand::RngCore;
        let mut data = [0u8; DATA_LEN];
        rand::rngs::OsRng.fill_bytes(&mut data);
        Code::from_data(data)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// Groups symbols 4-4-3 with dashes; extra symbols (while typing) continue the pattern.
pub fn grouped(symbols: &str) -> String {
    let mut out = String::with_capacity(symbols.len() + 3);
    for (i, ch) in symbols.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ch);
    }
    out
}

/// The value of a symbol, with Crockford's forgiving reading of look-alikes.
fn value(ch: char) -> Option<u8> {
    let up = match ch.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        // Cyrillic letters that look like Latin ones, for a keyboard left in Russian layout.
        'А' | 'а' => 'A',
        'В' | 'в' => 'B',
        'Е' | 'е' => 'E',
        'К' | 'к' => 'K',
        'М' | 'м' => 'M',
        'Н' | 'н' => 'H',
        'О' | 'о' => '0',
        'Р' | 'р' => 'P',
        'С' | 'с' => 'C',
        'Т' | 'т' => 'T',
        'Х' | 'х' => 'X',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == up)
        .map(|p| p as u8)
}

// ---------- GF(32) with the primitive polynomial x⁵ + x² + 1 ----------

const POLY: u8 = 0b10_0101;

fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut r = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0b10_0000 != 0 {
            a ^= POLY;
        }
    }
    r
}

/// αⁿ where α = x (the generator 2).
fn alpha_pow(n: usize) -> u8 {
    (0..n % 31).fold(1, |acc, _| mul(acc, 2))
}

/// Σ αⁱ⁺¹·vᵢ over GF(32) (addition is XOR).
fn weighted_sum(values: &[u8]) -> u8 {
    values
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &v)| acc ^ mul(alpha_pow(i + 1), v))
}

/// The check value c for data d₀…d₉: α¹¹·c = Σ αⁱ⁺¹·dᵢ, so c = α⁻¹¹·Σ = α²⁰·Σ (α³¹ = 1).
fn check_value(data: &[u8]) -> u8 {
    mul(alpha_pow(31 - (DATA_LEN + 1)), weighted_sum(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seed: u64) -> Code {
        // A small deterministic generator, so the exhaustive tests cover many codes.
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut data = [0u8; DATA_LEN];
        for d in &mut data {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *d = (x >> 33) as u8;
        }
        Code::from_data(data)
    }

    #[test]
    fn a_generated_code_passes_its_own_check_and_prints_in_groups_of_four() {
        let code = sample(1);
        assert_eq!(code.as_str().len(), CODE_LEN);
        assert_eq!(Code::parse(code.as_str()), Ok(code.clone()));
        let shown = code.display();
        assert_eq!(shown.len(), CODE_LEN + 2);
        assert_eq!(&shown[4..5], "-");
        assert_eq!(&shown[9..10], "-");
    }

    #[test]
    fn every_single_symbol_substitution_is_caught_by_the_check_symbol() {
        for seed in 0..300 {
            let code = sample(seed);
            let symbols: Vec<u8> = code.as_str().bytes().collect();
            for pos in 0..CODE_LEN {
                for &other in ALPHABET.iter().filter(|&&a| a != symbols[pos]) {
                    let mut typo = symbols.clone();
                    typo[pos] = other;
                    let text = String::from_utf8(typo).expect("ascii");
                    assert_eq!(
                        Code::parse(&text),
                        Err(CodeProblem::CheckFailed),
                        "{code} with {} at {pos}",
                        other as char
                    );
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_caught_by_the_check_symbol() {
        for seed in 0..3000 {
            let code = sample(seed);
            let symbols: Vec<u8> = code.as_str().bytes().collect();
            for pos in 0..CODE_LEN - 1 {
                if symbols[pos] == symbols[pos + 1] {
                    continue;
                }
                let mut swapped = symbols.clone();
                swapped.swap(pos, pos + 1);
                let text = String::from_utf8(swapped).expect("ascii");
                assert_eq!(
                    Code::parse(&text),
                    Err(CodeProblem::CheckFailed),
                    "{code} swapped at {pos}"
                );
            }
        }
    }

    #[test]
    fn the_check_is_exhaustive_over_every_symbol_pair_at_every_position() {
        // Independent of sampled codes: for each position and each pair of distinct symbols,
        // substituting or swapping changes the weighted sum.
        for pos in 0..CODE_LEN {
            for a in 0u8..32 {
                for b in 0u8..32 {
                    if a == b {
                        continue;
                    }
                    assert_ne!(mul(alpha_pow(pos + 1), a ^ b), 0);
                    if pos + 1 < CODE_LEN {
                        let before = mul(alpha_pow(pos + 1), a) ^ mul(alpha_pow(pos + 2), b);
                        let after = mul(alpha_pow(pos + 1), b) ^ mul(alpha_pow(pos + 2), a);
                        assert_ne!(before, after, "swap at {pos} of {a},{b}");
                    }
                }
            }
        }
    }

    #[test]
    fn input_is_forgiving_about_case_separators_look_alikes_and_urls() {
        let code = Code::from_data([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let s = code.as_str().to_owned();
        let messy = s.to_lowercase().replace('0', "o").replace('1', "l");
        assert_eq!(Code::parse(&messy), Ok(code.clone()));
        assert_eq!(
            Code::parse(&format!("  {}  ", code.display())),
            Ok(code.clone())
        );
        assert_eq!(
            Code::parse(&format!("https://clinic.ru/c/{s}")),
            Ok(code.clone())
        );
        assert_eq!(
            Code::parse(&format!("https://clinic.ru/c/{}?utm=qr", code.display())),
            Ok(code.clone())
        );
    }

    #[test]
    fn wrong_length_and_foreign_characters_are_named() {
        assert_eq!(Code::parse(""), Err(CodeProblem::Empty));
        assert_eq!(Code::parse("K7QD-M2"), Err(CodeProblem::WrongLength(6)));
        assert_eq!(
            Code::parse("K7QD-M2XF-R9U"),
            Err(CodeProblem::BadCharacter('U'))
        );
        assert_eq!(
            Code::parse("K7QD-M2XF-R9!"),
            Err(CodeProblem::BadCharacter('!'))
        );
    }

    #[test]
    fn the_alphabet_has_no_look_alike_letters() {
        for bad in [b'I', b'L', b'O', b'U'] {
            assert!(!ALPHABET.contains(&bad));
        }
    }
}
