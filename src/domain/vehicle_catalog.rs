//! A curated list of common makes and their models, offered as suggestions on the vehicle form
//! and used by `workshop demo`. Free text is always allowed: the list only saves typing.

/// One make with the models staff most often see.
pub struct Make {
    pub name: &'static str,
    pub models: &'static [&'static str],
}

/// Common makes, most frequent first within each region's mix.
pub const MAKES: &[Make] = &[
    Make {
        name: "Toyota",
        models: &[
            "Corolla",
            "Camry",
            "RAV4",
            "Hilux",
            "Yaris",
            "Prius",
            "Land Cruiser",
            "Highlander",
            "Tacoma",
            "Fortuner",
        ],
    },
    Make {
        name: "Honda",
        models: &["Civic", "Accord", "CR-V", "Fit", "HR-V", "Pilot", "Odyssey"],
    },
    Make {
        name: "Ford",
        models: &[
            "F-150", "Focus", "Fiesta", "Ranger", "Escape", "Explorer", "Mustang", "Transit",
        ],
    },
    Make {
        name: "Chevrolet",
        models: &[
            "Silverado",
            "Malibu",
            "Equinox",
            "Cruze",
            "Spark",
            "Tahoe",
            "Colorado",
        ],
    },
    Make {
        name: "Nissan",
        models: &[
            "Altima", "Sentra", "Rogue", "Navara", "Qashqai", "X-Trail", "Micra", "Leaf",
        ],
    },
    Make {
        name: "Volkswagen",
        models: &[
            "Golf",
            "Polo",
            "Passat",
            "Jetta",
            "Tiguan",
            "Amarok",
            "Transporter",
        ],
    },
    Make {
        name: "Hyundai",
        models: &[
            "Elantra", "Tucson", "Santa Fe", "i10", "i20", "i30", "Kona", "Sonata",
        ],
    },
    Make {
        name: "Kia",
        models: &[
            "Rio", "Sportage", "Sorento", "Picanto", "Ceed", "Seltos", "Niro",
        ],
    },
    Make {
        name: "Mazda",
        models: &[
            "Mazda2", "Mazda3", "Mazda6", "CX-3", "CX-5", "CX-30", "BT-50", "MX-5",
        ],
    },
    Make {
        name: "Subaru",
        models: &["Impreza", "Forester", "Outback", "XV", "Legacy"],
    },
    Make {
        name: "Mitsubishi",
        models: &["Lancer", "Outlander", "Pajero", "L200", "ASX", "Mirage"],
    },
    Make {
        name: "Suzuki",
        models: &["Swift", "Vitara", "Jimny", "Alto", "Baleno", "Ertiga"],
    },
    Make {
        name: "BMW",
        models: &["1 Series", "3 Series", "5 Series", "X1", "X3", "X5"],
    },
    Make {
        name: "Mercedes-Benz",
        models: &[
            "A-Class", "C-Class", "E-Class", "GLA", "GLC", "Sprinter", "Vito",
        ],
    },
    Make {
        name: "Audi",
        models: &["A3", "A4", "A6", "Q3", "Q5", "Q7"],
    },
    Make {
        name: "Peugeot",
        models: &["208", "308", "2008", "3008", "Partner"],
    },
    Make {
        name: "Renault",
        models: &["Clio", "Megane", "Captur", "Duster", "Kangoo"],
    },
    Make {
        name: "Skoda",
        models: &["Fabia", "Octavia", "Superb", "Kodiaq", "Karoq"],
    },
    Make {
        name: "Isuzu",
        models: &["D-Max", "MU-X", "N-Series"],
    },
    Make {
        name: "Tesla",
        models: &["Model 3", "Model Y", "Model S", "Model X"],
    },
    Make {
        name: "Jeep",
        models: &["Wrangler", "Grand Cherokee", "Compass", "Renegade"],
    },
    Make {
        name: "Land Rover",
        models: &["Defender", "Discovery", "Range Rover", "Range Rover Evoque"],
    },
    Make {
        name: "Volvo",
        models: &["XC40", "XC60", "XC90", "S60", "V60"],
    },
    Make {
        name: "Fiat",
        models: &["500", "Panda", "Tipo", "Ducato"],
    },
];

/// The models of `make` (matched without regard to case), or none for a make not in the list.
pub fn models_of(make: &str) -> &'static [&'static str] {
    let make = make.trim();
    MAKES
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(make))
        .map_or(&[], |m| m.models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_found_whatever_the_case() {
        assert!(models_of(" toyota ").contains(&"Corolla"));
        assert!(models_of("Trabant").is_empty());
    }

    #[test]
    fn makes_are_unique_and_have_models() {
        let mut names: Vec<_> = MAKES.iter().map(|m| m.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MAKES.len());
        assert!(MAKES.iter().all(|m| !m.models.is_empty()));
    }
}
