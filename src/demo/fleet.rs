//! Vehicles: makes and models from the catalogue, plates unique by their key, VINs with a
//! correct check digit, odometers and service dates that fit the vehicle's age.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;

use super::people::pick;
use crate::db::bulk::NewVehicle;
use crate::domain::vehicle_catalog::MAKES;

/// Oldest model year the demo invents.
const OLDEST_YEAR: i32 = 1995;

/// The 33 characters a VIN may use (no I, O or Q).
const VIN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/// The vehicles of one customer.
pub struct Owner {
    pub customer_id: i32,
    pub registered: NaiveDateTime,
    pub vehicles: usize,
}

/// Makes vehicles and remembers every plate key handed out, so plates stay unique.
pub struct Fleet<'a> {
    pub site_ids: &'a [i32],
    pub now: NaiveDateTime,
    plate_keys: HashSet<String>,
}

impl<'a> Fleet<'a> {
    pub fn new(site_ids: &'a [i32], now: NaiveDateTime, expected: usize) -> Self {
        Self {
            site_ids,
            now,
            plate_keys: HashSet::with_capacity(expected),
        }
    }

    /// The vehicles of `owners`, each customer's in the order they were brought in.
    pub fn vehicles_of(&mut self, rng: &mut StdRng, owners: &[Owner]) -> Vec<NewVehicle> {
        let mut rows = Vec::new();
        for owner in owners {
            // A customer's cars usually go to the site nearest them.
            let home = self.site_ids[owner.customer_id as usize % self.site_ids.len()];
            let mut since = owner.registered;
            for n in 0..owner.vehicles {
                // The first car comes in with the customer; later ones over the years.
                let gap = if n == 0 { 14 } else { 400 };
                since = (since + TimeDelta::days(rng.random_range(0..=gap))).min(self.now);
                let site_id = if rng.random_bool(0.9) {
                    home
                } else {
                    pick(rng, self.site_ids)
                };
                rows.push(self.vehicle(rng, owner.customer_id, site_id, since));
            }
        }
        rows
    }

    fn vehicle(
        &mut self,
        rng: &mut StdRng,
        customer_id: i32,
        site_id: i32,
        at: NaiveDateTime,
    ) -> NewVehicle {
        let make = &MAKES[skewed_index(rng, MAKES.len())];
        // No car is younger than the day it was first brought in.
        let newest = at.year();
        let year = newest - skewed_index(rng, (newest - OLDEST_YEAR + 1) as usize) as i32;
        let (license_plate, plate_key) = self.unique_plate(rng);
        let age_years = f64::from(self.now.year() - year).max(0.5);
        let last_serviced = rng
            .random_bool(0.85)
            .then(|| service_date(rng, at.date(), self.now.date()));
        NewVehicle {
            customer_id,
            site_id,
            make: make.name,
            model: pick(rng, make.models),
            year,
            license_plate,
            plate_key,
            vin: rng.random_bool(0.6).then(|| vin(rng, make.name, year)),
            odometer_km: rng
                .random_bool(0.9)
                .then(|| (age_years * f64::from(rng.random_range(8_000..=22_000))) as i32),
            last_serviced,
            service_interval_days: pick(rng, &[180, 180, 180, 180, 365, 90]),
            service_interval_km: rng
                .random_bool(0.3)
                .then(|| pick(rng, &[5_000, 10_000, 15_000])),
            last_reminder_sent: None,
            reminders_sent_in_cycle: 0,
            created_at: at,
            updated_at: at,
        }
    }

    fn unique_plate(&mut self, rng: &mut StdRng) -> (String, String) {
        loop {
            let plate = plate(rng);
            let key = plate_key(&plate);
            if self.plate_keys.insert(key.clone()) {
                return (plate, key);
            }
        }
    }
}

/// The key plates are unique by (`vehicles.plate_key`): upper case, without spaces or hyphens.
pub fn plate_key(plate: &str) -> String {
    plate
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// A plate in one of several national styles, as a mixed clientele brings them.
fn plate(rng: &mut StdRng) -> String {
    let mut letters = |n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
            .collect()
    };
    let l3 = letters(3);
    let l2 = letters(2);
    let style = rng.random_range(0..5);
    match style {
        0 => format!("{l3} {:04}", rng.random_range(0..10_000)),
        1 => format!("{l2}{:02} {l3}", rng.random_range(10..75)),
        2 => format!(
            "{}{l3}{:03}",
            rng.random_range(1..10),
            rng.random_range(0..1000)
        ),
        3 => format!(
            "{l2} {:04}-{:02}",
            rng.random_range(1..10_000),
            rng.random_range(10..26)
        ),
        _ => format!("K{l2} {:03}{}", rng.random_range(100..1000), &l3[..1]),
    }
}

/// An index into a list of `len`, the first entries most often.
fn skewed_index(rng: &mut StdRng, len: usize) -> usize {
    ((rng.random::<f64>().powf(1.4) * len as f64) as usize).min(len.saturating_sub(1))
}

/// A service date between the vehicle's arrival and today, mostly within the last 18 months.
fn service_date(rng: &mut StdRng, arrived: NaiveDate, today: NaiveDate) -> NaiveDate {
    let earliest = arrived.max(today - TimeDelta::days(540));
    let span = (today - earliest).num_days().max(0);
    earliest + TimeDelta::days(rng.random_range(0..=span))
}

/// A 17-character VIN: the make's manufacturer code, random descriptors, the North-American
/// check digit in position 9 and the model-year code in position 10.
fn vin(rng: &mut StdRng, make: &str, year: i32) -> String {
    const YEAR_CODES: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
    let mut chars: Vec<u8> = manufacturer_code(make).bytes().collect();
    while chars.len() < 17 {
        chars.push(VIN_ALPHABET[rng.random_range(0..VIN_ALPHABET.len())]);
    }
    chars[9] = YEAR_CODES[((year - 1980).rem_euclid(30)) as usize];
    for c in &mut chars[11..] {
        *c = b'0' + rng.random_range(0..10u8);
    }
    chars[8] = check_digit(&chars);
    String::from_utf8_lossy(&chars).into_owned()
}

fn manufacturer_code(make: &str) -> &'static str {
    match make {
        "Toyota" => "JT2",
        "Honda" => "1HG",
        "Ford" => "1FA",
        "Chevrolet" => "1G1",
        "Nissan" => "JN1",
        "Volkswagen" => "WVW",
        "Hyundai" => "KMH",
        "Kia" => "KNA",
        "Mazda" => "JM1",
        "Subaru" => "JF1",
        "Mitsubishi" => "JA3",
        "Suzuki" => "JS2",
        "BMW" => "WBA",
        "Mercedes-Benz" => "WDD",
        "Audi" => "WAU",
        "Peugeot" => "VF3",
        "Renault" => "VF1",
        "Skoda" => "TMB",
        "Isuzu" => "JAA",
        "Tesla" => "5YJ",
        "Jeep" => "1C4",
        "Land Rover" => "SAL",
        "Volvo" => "YV1",
        "Fiat" => "ZFA",
        _ => "",
    }
}

/// The ISO 3779 / 49 CFR 565 check digit of a 17-character VIN.
pub fn check_digit(vin: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'H' => u32::from(c - b'A') + 1,
            b'J'..=b'R' => [1, 2, 3, 4, 5, 0, 7, 0, 9][usize::from(c - b'J')],
            b'S'..=b'Z' => u32::from(c - b'S') + 2,
            _ => 0,
        }
    };
    let sum: u32 = vin
        .iter()
        .zip(WEIGHTS)
        .map(|(c, weight)| value(*c) * weight)
        .sum();
    match sum % 11 {
        10 => b'X',
        digit => b'0' + digit as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_vin_has_its_check_digit() {
        // The textbook example: 1M8GDM9AXKP042788 (check digit X).
        assert_eq!(check_digit(b"1M8GDM9AXKP042788"), b'X');
        assert_eq!(check_digit(b"11111111111111111"), b'1');
    }

    #[test]
    fn plate_keys_ignore_case_spaces_and_hyphens() {
        assert_eq!(plate_key("gr 1234-21"), "GR123421");
    }

    #[test]
    fn made_up_vins_use_the_vin_alphabet_and_check_out() {
        use rand::SeedableRng;
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let vin = vin(&mut rng, "Toyota", 2015);
            assert_eq!(vin.len(), 17);
            assert!(!vin.contains(['I', 'O', 'Q']), "{vin}");
            assert_eq!(check_digit(vin.as_bytes()), vin.as_bytes()[8], "{vin}");
        }
    }
}
