//! Check digits: the Individual Number (マイナンバー) check digit and the Luhn check
//! used by payment cards.

/// Number of digits in an Individual Number.
pub const MY_NUMBER_DIGITS: usize = 12;

/// Computes the check digit for the first 11 digits of an Individual Number.
///
/// Formula of 番号法施行令第8条 as set out in 総務省令第85号 (2014) 第5条: with Qn the n-th digit counted from the right of the 11
/// digits and Pn = n + 1 (1 ≤ n ≤ 6) or n − 5 (7 ≤ n ≤ 11), the check digit is
/// 11 − (Σ Pn × Qn mod 11), or 0 when the remainder is 0 or 1.
pub fn my_number_check_digit(first_eleven: &[u8; 11]) -> u8 {
    let sum: u32 = (1..=11usize)
        .map(|n| {
            let digit = u32::from(first_eleven[11 - n]);
            let weight = if n <= 6 { n + 1 } else { n - 5 } as u32;
            digit * weight
        })
        .sum();
    let remainder = sum % 11;
    if remainder <= 1 {
        0
    } else {
        (11 - remainder) as u8
    }
}

/// True when `digits` (values 0..=9) is 12 digits long and its last digit is the check digit.
pub fn is_valid_my_number(digits: &[u8]) -> bool {
    if digits.len() != MY_NUMBER_DIGITS || digits.iter().any(|&d| d > 9) {
        return false;
    }
    let mut first_eleven = [0u8; 11];
    first_eleven.copy_from_slice(&digits[..11]);
    my_number_check_digit(&first_eleven) == digits[11]
}

/// True when `digits` (values 0..=9) passes the Luhn (mod 10) check.
pub fn is_luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() || digits.iter().any(|&d| d > 9) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &digit)| {
            let digit = u32::from(digit);
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn known_valid_my_numbers() {
        // 123456789018: weighted sum 212, 212 mod 11 = 3, check 11 - 3 = 8.
        assert!(is_valid_my_number(&digits("123456789018")));
        // Remainder 0 or 1 gives check digit 0.
        assert!(is_valid_my_number(&digits("000000000000")));
        assert!(is_valid_my_number(&digits("111111111118")));
    }

    #[test]
    fn known_invalid_my_numbers() {
        assert!(!is_valid_my_number(&digits("123456789012")));
        assert!(!is_valid_my_number(&digits("123456789019")));
        assert!(!is_valid_my_number(&digits("12345678901")));
        assert!(!is_valid_my_number(&digits("1234567890180")));
    }

    #[test]
    fn every_prefix_has_exactly_one_check_digit() {
        let first = [3u8, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        let valid: Vec<u8> = (0..10)
            .filter(|&check| {
                let mut all = first.to_vec();
                all.push(check);
                is_valid_my_number(&all)
            })
            .collect();
        assert_eq!(valid, vec![my_number_check_digit(&first)]);
    }

    #[test]
    fn luhn_examples() {
        assert!(is_luhn_valid(&digits("4111111111111111")));
        assert!(is_luhn_valid(&digits("5555555555554444")));
        assert!(is_luhn_valid(&digits("378282246310005")));
        assert!(!is_luhn_valid(&digits("4111111111111112")));
        assert!(!is_luhn_valid(&[]));
    }
}
