//! The parts catalogue and the opening stock of every site.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;

use super::people::pick;
use crate::db::bulk::{InsertedStock, NewProduct, NewStock, NewStockMovement};
use crate::domain::vehicle_catalog::MAKES;

/// One kind of part: what it is called, how it is sold and what it costs (whole dollars).
struct Part {
    name: &'static str,
    code: &'static str,
    product_type: &'static str,
    category: &'static str,
    unit: &'static str,
    price: (i64, i64),
    positions: &'static [&'static str],
    brands: &'static [&'static str],
    /// Fitted to particular models (named in the product), rather than universal.
    fitted: bool,
}

const BRAKES: &[&str] = &["Bosch", "Brembo", "TRW", "Akebono", "ACDelco", "Wagner"];
const FILTERS: &[&str] = &["Mann-Filter", "Bosch", "Fram", "Mahle", "WIX"];
const ENGINE: &[&str] = &["Denso", "NGK", "Gates", "Dayco", "Aisin", "Bosch"];
const ELECTRIC: &[&str] = &["Bosch", "Varta", "Exide", "Denso", "Hella"];
const CHASSIS: &[&str] = &["Monroe", "KYB", "Sachs", "Moog", "Lemforder", "SKF"];
const OILS: &[&str] = &["Castrol", "Mobil 1", "Shell", "Total", "Motul", "Valvoline"];
const SHOP: &[&str] = &["3M", "Loctite", "CRC", "WD-40", "Würth"];
const CABIN: &[&str] = &["Hella", "Osram", "Philips", "Bosch", "WeatherTech"];

const NONE: &[&str] = &[""];
const AXLE: &[&str] = &["Front", "Rear"];
const SIDES: &[&str] = &["Left", "Right"];

macro_rules! part {
    ($name:literal, $code:literal, $ty:literal, $cat:literal, $unit:literal, $lo:literal..$hi:literal, $pos:expr, $brands:expr, $fitted:literal) => {
        Part {
            name: $name,
            code: $code,
            product_type: $ty,
            category: $cat,
            unit: $unit,
            price: ($lo, $hi),
            positions: $pos,
            brands: $brands,
            fitted: $fitted,
        }
    };
}

#[rustfmt::skip]
const PARTS: &[Part] = &[
    part!("Brake Pad Set", "BPD", "Brake pads", "spare_part", "set", 25..120, AXLE, BRAKES, true),
    part!("Brake Disc", "BDS", "Brake discs", "spare_part", "each", 35..180, AXLE, BRAKES, true),
    part!("Brake Shoe Set", "BSH", "Brake shoes", "spare_part", "set", 30..90, &["Rear"], BRAKES, true),
    part!("Oil Filter", "OFL", "Filters", "spare_part", "each", 5..25, NONE, FILTERS, true),
    part!("Air Filter", "AFL", "Filters", "spare_part", "each", 10..45, NONE, FILTERS, true),
    part!("Cabin Air Filter", "CFL", "Filters", "spare_part", "each", 10..40, NONE, FILTERS, true),
    part!("Fuel Filter", "FFL", "Filters", "spare_part", "each", 12..60, NONE, FILTERS, true),
    part!("Spark Plug", "SPK", "Ignition", "spare_part", "each", 4..22, NONE, ENGINE, true),
    part!("Ignition Coil", "IGC", "Ignition", "spare_part", "each", 30..140, NONE, ENGINE, true),
    part!("Timing Belt Kit", "TBK", "Engine", "spare_part", "set", 60..320, NONE, ENGINE, true),
    part!("Serpentine Belt", "SBT", "Engine", "spare_part", "each", 15..70, NONE, ENGINE, true),
    part!("Water Pump", "WPM", "Cooling", "spare_part", "each", 40..200, NONE, ENGINE, true),
    part!("Thermostat", "THS", "Cooling", "spare_part", "each", 12..60, NONE, ENGINE, true),
    part!("Radiator Hose", "RHS", "Cooling", "spare_part", "each", 12..55, &["Upper", "Lower"], ENGINE, true),
    part!("Alternator", "ALT", "Electrical", "spare_part", "each", 140..480, NONE, ELECTRIC, true),
    part!("Starter Motor", "STM", "Electrical", "spare_part", "each", 120..420, NONE, ELECTRIC, true),
    part!("Battery 12V 60Ah", "BAT", "Electrical", "spare_part", "each", 90..220, NONE, ELECTRIC, false),
    part!("Battery 12V 75Ah", "BAT", "Electrical", "spare_part", "each", 110..260, NONE, ELECTRIC, false),
    part!("Shock Absorber", "SHK", "Suspension", "spare_part", "each", 45..190, AXLE, CHASSIS, true),
    part!("Control Arm", "CTA", "Suspension", "spare_part", "each", 40..210, SIDES, CHASSIS, true),
    part!("Tie Rod End", "TRE", "Steering", "spare_part", "each", 18..70, SIDES, CHASSIS, true),
    part!("Wheel Bearing", "WBR", "Suspension", "spare_part", "each", 25..140, AXLE, CHASSIS, true),
    part!("CV Joint Kit", "CVJ", "Drivetrain", "spare_part", "set", 40..160, SIDES, CHASSIS, true),
    part!("Clutch Kit", "CLK", "Drivetrain", "spare_part", "set", 150..520, NONE, CHASSIS, true),
    part!("Wiper Blade", "WPB", "Wipers", "accessory", "each", 8..35, &["Driver", "Passenger"], CABIN, true),
    part!("Headlight Bulb H4", "HLB", "Lighting", "spare_part", "pair", 8..40, NONE, CABIN, false),
    part!("Headlight Bulb H7", "HLB", "Lighting", "spare_part", "pair", 9..45, NONE, CABIN, false),
    part!("Engine Oil 5W-30 Synthetic", "EOL", "Engine oil", "fluid", "litre", 7..15, NONE, OILS, false),
    part!("Engine Oil 10W-40", "EOL", "Engine oil", "fluid", "litre", 5..11, NONE, OILS, false),
    part!("Engine Oil 0W-20", "EOL", "Engine oil", "fluid", "litre", 8..16, NONE, OILS, false),
    part!("Automatic Transmission Fluid", "ATF", "Fluids", "fluid", "litre", 8..16, NONE, OILS, false),
    part!("Brake Fluid DOT 4", "BFL", "Fluids", "fluid", "litre", 9..20, NONE, OILS, false),
    part!("Coolant Concentrate", "CLT", "Fluids", "fluid", "litre", 6..14, NONE, OILS, false),
    part!("Brake Cleaner Spray", "BCS", "Workshop supplies", "consumable", "each", 4..10, NONE, SHOP, false),
    part!("Shop Towels", "TWL", "Workshop supplies", "consumable", "box", 12..30, NONE, SHOP, false),
    part!("Nitrile Gloves", "GLV", "Workshop supplies", "consumable", "box", 9..25, NONE, SHOP, false),
    part!("Threadlocker Medium Strength", "TLK", "Workshop supplies", "consumable", "each", 6..18, NONE, SHOP, false),
    part!("Lithium Grease", "GRS", "Workshop supplies", "consumable", "kg", 8..20, NONE, SHOP, false),
    part!("Automotive Wire 1.5 mm²", "WIR", "Electrical", "consumable", "metre", 1..3, NONE, ELECTRIC, false),
    part!("Floor Mat Set", "FMT", "Interior", "accessory", "set", 25..120, NONE, CABIN, true),
    part!("Tyre Pressure Gauge", "TPG", "Tools", "accessory", "each", 8..30, NONE, CABIN, false),
    part!("Key Fob Battery CR2032", "KFB", "Sundries", "other", "each", 2..6, NONE, ELECTRIC, false),
    part!("Valve Stem Caps", "VSC", "Sundries", "other", "set", 2..6, NONE, SHOP, false),
];

/// `count` products, SKUs unique by their running number.
pub fn products(rng: &mut StdRng, count: usize, at: NaiveDateTime) -> Vec<NewProduct> {
    (0..count).map(|i| product(rng, i, at)).collect()
}

fn product(rng: &mut StdRng, index: usize, at: NaiveDateTime) -> NewProduct {
    let part = &PARTS[rng.random_range(0..PARTS.len())];
    let brand = pick(rng, part.brands);
    let position = pick(rng, part.positions);
    let (application, description) = if part.fitted {
        let make = &MAKES[rng.random_range(0..MAKES.len())];
        let model = pick(rng, make.models);
        let from = rng.random_range(1998..=2020);
        let fits = format!(
            "{} {model} {from}–{}",
            make.name,
            from + rng.random_range(3..=8)
        );
        (fits.clone(), format!("{brand} {}. Fits {fits}.", part.name))
    } else {
        ("Universal".to_owned(), format!("{brand} {}.", part.name))
    };
    let name = match (part.fitted, position) {
        (true, "") => format!("{} – {application}", part.name),
        (true, position) => format!("{}, {position} – {application}", part.name),
        (false, _) => format!("{brand} {}", part.name),
    };
    let price = rng.random_range(part.price.0..=part.price.1) * 100 + 99;
    let cost = price * rng.random_range(45..=75) / 100;
    NewProduct {
        name,
        sku: Some(format!("{}-{:05}", part.code, index + 1)),
        fmsi_number: if part.code == "BPD" || part.code == "BSH" {
            format!("D{}", rng.random_range(1000..2400))
        } else {
            String::new()
        },
        product_type: part.product_type,
        position,
        application,
        description,
        brand,
        part_number: part_number(rng, brand),
        category: part.category,
        unit_of_measure: part.unit,
        unit_price_cents: price,
        cost_price_cents: Some(cost),
        is_active: rng.random_bool(0.97),
        created_at: at,
        updated_at: at,
    }
}

fn part_number(rng: &mut StdRng, brand: &str) -> String {
    let prefix: String = brand
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(2)
        .collect::<String>()
        .to_uppercase();
    format!(
        "{prefix}{}-{:05}",
        rng.random_range(10..100),
        rng.random_range(0..100_000)
    )
}

/// A stock row for every product at every site: most in stock, some low, some out. Rows date
/// from when the catalogue was set up; restocking happened in the last two months.
pub fn stock(
    rng: &mut StdRng,
    products: &[(i32, Option<i64>)],
    site_ids: &[i32],
    set_up: NaiveDateTime,
    now: NaiveDateTime,
) -> Vec<NewStock> {
    let mut rows = Vec::with_capacity(products.len() * site_ids.len());
    for &site_id in site_ids {
        for &(product_id, cost) in products {
            let reorder_level = rng.random_range(2..=10);
            let quantity_on_hand = match rng.random_range(0..100) {
                0..8 => 0,
                8..20 => rng.random_range(1..=reorder_level),
                _ => rng.random_range(reorder_level + 1..=60),
            };
            let restocked = now - TimeDelta::minutes(rng.random_range(60..60 * 24 * 60));
            rows.push(NewStock {
                product_id,
                site_id,
                quantity_on_hand,
                quantity_reserved: 0,
                reorder_level,
                reorder_quantity: reorder_level * rng.random_range(2..=4),
                bin_location: format!(
                    "{}-{:02}-{}",
                    char::from(b'A' + rng.random_range(0..8u8)),
                    rng.random_range(1..=24),
                    rng.random_range(1..=5)
                ),
                restricted: cost.is_some_and(|c| c >= 15_000) && rng.random_bool(0.4),
                last_counted_at: rng
                    .random_bool(0.5)
                    .then(|| now - TimeDelta::days(rng.random_range(1..90))),
                last_restocked_at: (quantity_on_hand > 0).then_some(restocked),
                created_at: set_up,
                updated_at: restocked,
            });
        }
    }
    rows
}

/// Raises the stock rows that open jobs will draw on to what they need (`demand`, by product
/// and site) plus the reorder level and a margin, so every one of those jobs can complete.
pub fn cover(rows: &mut [NewStock], demand: &BTreeMap<(i32, i32), i32>, now: NaiveDateTime) {
    if demand.is_empty() {
        return;
    }
    for row in rows {
        let Some(&need) = demand.get(&(row.product_id, row.site_id)) else {
            continue;
        };
        let plenty = need + row.reorder_level + 20;
        if row.quantity_on_hand - row.quantity_reserved < plenty {
            row.quantity_on_hand = plenty + row.quantity_reserved;
            let restocked = *row
                .last_restocked_at
                .get_or_insert(now - TimeDelta::hours(2));
            row.updated_at = row.updated_at.max(restocked);
        }
    }
}

/// The `in` movement that brought each stock row's opening quantity, when it was restocked.
pub fn opening_movements(
    stock: &[InsertedStock],
    costs: &HashMap<i32, Option<i64>>,
    by: Option<i32>,
) -> Vec<NewStockMovement<'static>> {
    stock
        .iter()
        .filter_map(|&(id, product, on_hand, restocked)| Some((id, product, on_hand, restocked?)))
        .map(|(inventory_id, product_id, on_hand, at)| NewStockMovement {
            inventory_id,
            kind: "in",
            quantity: on_hand,
            quantity_after: on_hand,
            unit_cost_cents: costs.get(&product_id).copied().flatten(),
            reason: "Opening stock",
            reference_type: "",
            reference_id: None,
            created_by: by,
            created_at: at,
        })
        .collect()
}
