//! Embedded word lists: given names, surnames, handle words, email domains.
//!
//! Name lists are ordered roughly from most to least common; [`crate::person`] draws
//! from them with a skew towards the front, so the first entries are very common.

/// Given names, an international mix, most common first.
#[rustfmt::skip]
pub const FIRST_NAMES: &[&str] = &[
    "James", "Maria", "Mohammed", "John", "Anna", "David", "Sarah", "Michael", "Elena", "Alexander",
    "Laura", "Daniel", "Olga", "Wei", "Fatima", "Carlos", "Emma", "Ahmed", "Sofia", "Juan",
    "Jennifer", "Robert", "Ana", "Thomas", "Priya", "Luca", "Julia", "Ivan", "Hannah", "José",
    "Christopher", "Natalia", "Ali", "Lisa", "Andrea", "Peter", "Yuki", "Paul", "Irina", "Mark",
    "Chloé", "Sergei", "Emily", "Javier", "Aisha", "Rahul", "Jessica", "Marco", "Li", "Anastasia",
    "Matthew", "Lucía", "Hiroshi", "Kevin", "Nina", "Omar", "Katarzyna", "Jan", "Amanda", "Dmitri",
    "Isabella", "Pierre", "Ji-woo", "Andrew", "Mei", "Hassan", "Charlotte", "Stefan", "Camila",
    "Brian", "Ngoc", "Patrick", "Zeynep", "Luis", "Rachel", "Mehmet", "Sophie", "Tomasz",
    "Gabriela", "Steven", "Aleksandra", "Raj", "Nicole", "Francesco", "Svetlana", "Lukas", "Amira",
    "Eric", "Valentina", "Min-jun", "Olivia", "Pablo", "Ingrid", "Ryan", "Yasmin", "Jörg", "Chiara",
    "Arjun", "Megan", "Tariq", "Elif", "Jonas", "Adriana", "Kenji", "Rebecca", "Mateus", "Ewa",
    "Samuel", "Leila", "Nikolai", "Martina", "Chinedu", "Victoria", "Diego", "Hana", "Florian",
    "Ayşe", "Benjamin", "Xiaoling", "Giorgos", "Marta", "Sanjay", "Claire", "Antonio", "Freya",
    "Mustafa", "Ines", "William", "Tatiana", "Nikos", "Ioana", "Rafael", "Akua", "Henrik", "Lena",
    "Joseph", "Noura", "Piotr", "Beatriz", "Kwame", "Emma-Louise", "Vikram", "Sinéad", "Jacob",
    "Yelena", "Matteo", "Astrid", "Tunde", "Jing", "Alejandro", "Dana", "Oleksandr", "Margaux",
    "Hugo", "Sakura", "Bogdan", "Grace", "Emre", "Kateřina", "Tobias", "Nadia", "Ricardo", "Ebony",
    "Anders", "Rosa", "Kofi", "Jana", "Vladimir", "Lea", "Jun", "Isabel", "Oscar", "Ngozi",
    "Mikael", "Ksenia", "Felipe", "Aoife", "Dario", "Siobhan", "Thanh", "Malik", "Greta", "Yusuf",
    "Bianca", "Håkon", "Maja", "Sebastián", "Deepika", "Conor", "Mariam", "Gustavo", "Ilse", "Taro",
    "Renata", "Lars", "Esther", "Bilal", "Žofia", "Quentin", "Adaeze", "Milan", "Paloma", "Soren",
    "Yara", "Nathan", "Zoë",
];

/// Surnames, an international mix, most common first.
#[rustfmt::skip]
pub const LAST_NAMES: &[&str] = &[
    "Smith", "Garcia", "Wang", "Müller", "Kim", "Nguyen", "Johnson", "Rodriguez", "Ivanov", "Li",
    "Anderson", "Martin", "Kowalski", "Singh", "Silva", "Rossi", "Brown", "Schmidt", "Lopez",
    "Chen", "Patel", "Williams", "Hernandez", "Dubois", "Petrov", "Nowak", "Kumar", "Jones",
    "Martinez", "Zhang", "Yılmaz", "Sato", "Okafor", "Miller", "González", "Liu", "Schneider",
    "Park", "Tran", "Davis", "Pérez", "Smirnov", "Wiśniewski", "Sharma", "Santos", "Russo",
    "Wilson", "Fischer", "Sánchez", "Yang", "Lee", "Bernard", "Kuznetsov", "Ferrari", "Taylor",
    "Weber", "Ramírez", "Huang", "Choi", "Pham", "Thomas", "Moreau", "Popov", "Wójcik", "Gupta",
    "Oliveira", "Esposito", "Moore", "Meyer", "Torres", "Zhao", "Tanaka", "Kaya", "Adeyemi",
    "Jackson", "Flores", "Wu", "Wagner", "Lefebvre", "Sokolov", "Romano", "White", "Rivera",
    "Becker", "Jung", "Le", "Harris", "Kamińska", "Reddy", "Pereira", "Colombo", "Lewis",
    "Hoffmann", "Gómez", "Zhou", "Laurent", "Volkov", "Ricci", "Clark", "Díaz", "Schulz", "Kang",
    "Hoang", "Robinson", "Lewandowski", "Joshi", "Costa", "Marino", "Walker", "Koch", "Morales",
    "Xu", "Watanabe", "Demir", "Eze", "Young", "Fontaine", "Novikov", "Greco", "King", "Richter",
    "Vargas", "Sun", "Yoon", "Phan", "Wright", "Mendes", "Bruno", "Hill", "Klein", "Castillo", "Ma",
    "Ito", "Şahin", "Mensah", "Scott", "Girard", "Morozov", "Gallo", "Green", "Wolf", "Ortiz", "Hu",
    "Jang", "Vu", "Baker", "Rocha", "Conti", "Adams", "Schröder", "Ruiz", "Guo", "Yamamoto",
    "Çelik", "Okonkwo", "Nelson", "Bonnet", "Fedorov", "Mancini", "Hall", "Neumann", "Jiménez",
    "He", "Lim", "Dang", "Campbell", "Almeida", "De Luca", "O'Brien", "Jensen", "Hansen", "Nielsen",
    "Johansson", "Larsen", "Berg", "Andersson", "Van Dijk", "de Jong", "Jansen", "Bakker", "Visser",
    "Novák", "Dvořák", "Horváth", "Nagy", "Popescu", "Ionescu", "Papadopoulos", "Georgiou",
    "Kovačević", "Petrović", "Shevchenko", "Bondarenko", "Khan", "Ahmed", "Hussein", "Haddad",
    "Cohen", "Levi", "Murphy", "Kelly", "Byrne", "MacDonald", "Fraser", "Nakamura", "Kobayashi",
    "Mahlangu", "Dlamini", "Abdullah", "Rahman", "Hosseini", "Karimi", "Chaudhry", "Iyer", "Nair",
    "Tan", "Ong", "Wong", "Lam", "Santiago", "Reyes", "Cruz",
];

/// Words that show up in handles that are not derived from a name.
#[rustfmt::skip]
pub const HANDLE_WORDS: &[&str] = &[
    "shadow", "ghost", "wolf", "darkangel", "dragon", "ninja", "phoenix", "viper", "raven", "storm",
    "hunter", "sniper", "blaze", "frost", "reaper", "falcon", "tiger", "cobra", "zero", "neo",
    "pixel", "cyber", "rogue", "nova", "venom", "titan", "spectre", "lynx", "nightowl", "silentbob",
    "mad_max", "skywalker", "lucky", "crazycat", "sunny", "bluebird", "ironman", "darknight",
    "kitty", "angel", "devil", "king", "queen", "jester", "wizard", "hacker", "gamer", "rider",
    "ace", "mystic", "bandit", "cosmo", "drift", "echo", "ember", "fury", "glitch", "havoc",
    "icarus", "jinx", "karma", "legend", "maverick", "nomad", "onyx", "panther", "quake", "ranger",
    "saber", "tempest", "unicorn", "vortex", "warlock", "xeno", "yeti", "zephyr", "blackcat",
    "bluemoon", "darkstar", "firefly", "goldfish", "honeybee", "icequeen", "jellybean", "kingpin",
    "lonewolf", "moonlight", "nightfall", "outlaw", "pumpkin", "redfox", "snowflake", "starlight",
    "thunder", "wildcard", "cheshire", "midnight", "nebula", "pirate", "samurai",
];

/// Email domains with integer weights (relative frequency).
pub const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 40),
    ("outlook.com", 9),
    ("yahoo.com", 9),
    ("hotmail.com", 7),
    ("protonmail.com", 5),
    ("mail.ru", 5),
    ("gmx.de", 4),
    ("icloud.com", 5),
    ("yandex.ru", 3),
    ("web.de", 3),
    ("aol.com", 2),
    ("live.com", 2),
    ("proton.me", 2),
    ("orange.fr", 2),
    ("libero.it", 1),
    ("qq.com", 1),
];

/// Folds a name to the lowercase ASCII letters a person would use in a username or an email
/// address: diacritics stripped, spaces, apostrophes and hyphens removed.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
            'ç' | 'ć' | 'č' => "c",
            'ď' => "d",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
            'ğ' => "g",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ł' => "l",
            'ñ' | 'ń' | 'ň' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' => "o",
            'ř' => "r",
            'ś' | 'š' | 'ş' => "s",
            'ß' => "ss",
            'ť' => "t",
            'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_big_enough_and_unique() {
        assert!(FIRST_NAMES.len() >= 190, "{}", FIRST_NAMES.len());
        assert!(LAST_NAMES.len() >= 190, "{}", LAST_NAMES.len());
        for list in [FIRST_NAMES, LAST_NAMES] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "duplicate entries");
        }
    }

    #[test]
    fn handle_words_are_unique() {
        let mut sorted = HANDLE_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), HANDLE_WORDS.len());
        assert!(HANDLE_WORDS.len() >= 100);
    }

    #[test]
    fn every_name_folds_to_something() {
        for name in FIRST_NAMES.iter().chain(LAST_NAMES) {
            let folded = ascii_fold(name);
            assert!(!folded.is_empty(), "{name}");
            assert!(folded.bytes().all(|b| b.is_ascii_lowercase()), "{name} -> {folded}");
        }
    }

    #[test]
    fn folding_examples() {
        assert_eq!(ascii_fold("Müller"), "muller");
        assert_eq!(ascii_fold("O'Brien"), "obrien");
        assert_eq!(ascii_fold("Van Dijk"), "vandijk");
        assert_eq!(ascii_fold("Wiśniewski"), "wisniewski");
        assert_eq!(ascii_fold("Yılmaz"), "yilmaz");
    }
}
