//! Reading a product CSV: the encoding, the delimiter, the header row (found among the first
//! rows, names matched ignoring case, spaces and punctuation, the original's Excel names
//! accepted) and the data rows as [`ProductInput`]s with their spreadsheet row numbers.

use crate::services::products::ProductInput;

/// Largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most data rows accepted in one file.
pub const MAX_ROWS: usize = 20_000;
/// How far down the header row is looked for (the original's sheets had title rows above it).
const HEADER_SEARCH_ROWS: usize = 20;

/// The columns the import understands, with the names accepted for each (compared after
/// lower-casing and dropping everything but letters and digits).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["name", "productname", "itemname"]),
    ("sku", &["sku", "code", "productcode", "itemcode"]),
    ("category", &["category"]),
    ("unit_of_measure", &["unit", "unitofmeasure", "uom"]),
    ("brand", &["brand", "make"]),
    (
        "part_number",
        &["partnumber", "partno", "part", "oemnumber", "oem"],
    ),
    ("fmsi_number", &["fmsi", "fmsinumber", "fmsino"]),
    ("product_type", &["producttype", "type", "product"]),
    ("application", &["application", "applications"]),
    ("position", &["position"]),
    ("description", &["description", "notes"]),
    (
        "unit_price",
        &["unitprice", "price", "sellingprice", "saleprice"],
    ),
    ("cost_price", &["costprice", "cost"]),
    ("is_active", &["active", "isactive"]),
    ("", &["no", "number"]),
];

/// One data row as read.
#[derive(Clone, Debug)]
pub struct RawRow {
    /// The row number a spreadsheet shows (the header is a row too).
    pub row: usize,
    pub input: ProductInput,
}

/// A file that could be read, before it is compared with the catalogue.
#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    pub rows: Vec<RawRow>,
    /// Field → the header as written in the file, for messages.
    pub headers: Vec<(&'static str, String)>,
    /// Headers the import does not know (ignored).
    pub ignored: Vec<String>,
    /// Empty rows and heading rows between the data.
    pub skipped: usize,
}

impl ParsedFile {
    /// The header the file uses for `field`, or the field's name.
    pub fn header_of(&self, field: &str) -> String {
        self.headers
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| field.to_owned())
    }

    pub fn has(&self, field: &str) -> bool {
        self.headers.iter().any(|(f, _)| *f == field)
    }
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names; `Some("")` for known columns that are ignored (the row number).
fn field_of(header: &str) -> Option<&'static str> {
    let key = squash(header);
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(field, _)| *field)
}

/// UTF-8 (with or without a byte-order mark); anything else is read as Latin-1, which is what
/// older spreadsheet programs write.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// Comma, semicolon (spreadsheets in many locales) or tab, whichever the first line has most of.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b',')
}

/// Reads the file, or says in one sentence why it cannot be read.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, String> {
    if bytes.len() > MAX_BYTES {
        return Err("The file is larger than 5 MB. Split it into smaller files.".into());
    }
    let text = decode(bytes);
    let delimiter = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut header: Option<Vec<Option<&'static str>>> = None;
    let mut parsed = ParsedFile::default();
    for _ in 0..HEADER_SEARCH_ROWS {
        let Some(record) = records.next() else { break };
        let record = record.map_err(|e| format!("The file is not valid CSV: {e}."))?;
        let fields: Vec<Option<&'static str>> = record.iter().map(field_of).collect();
        let known = fields.iter().flatten().filter(|f| !f.is_empty()).count();
        if known >= 2 {
            for (cell, field) in record.iter().zip(&fields) {
                match field {
                    Some(f) if !f.is_empty() && !parsed.has(f) => {
                        parsed.headers.push((f, cell.trim().to_owned()))
                    }
                    Some(_) => {}
                    None if !cell.trim().is_empty() => parsed.ignored.push(cell.trim().to_owned()),
                    None => {}
                }
            }
            header = Some(fields);
            break;
        }
    }
    let Some(header) = header else {
        return Err("No header row found. The first row should name the columns, like name, sku, category, unit_price.".into());
    };
    if !parsed.has("unit_price") {
        return Err("The file has no price column (unit_price or price).".into());
    }
    if !parsed.has("name") && !parsed.has("fmsi_number") && !parsed.has("sku") {
        return Err("The file needs a name column (or FMSI, from which names are made).".into());
    }
    for record in records {
        let record = record.map_err(|e| format!("The file is not valid CSV: {e}."))?;
        let row = record.position().map(|p| p.line() as usize).unwrap_or(0);
        match row_input(&header, &record, delimiter == b';') {
            Some(input) => parsed.rows.push(RawRow { row, input }),
            None => parsed.skipped += 1,
        }
        if parsed.rows.len() > MAX_ROWS {
            return Err("The file has more than 20,000 rows. Split it into smaller files.".into());
        }
    }
    if parsed.rows.is_empty() {
        return Err("The file has a header but no product rows.".into());
    }
    Ok(parsed)
}

/// The product a row describes; `None` for blank rows and heading rows (no name, SKU, FMSI or
/// price).
fn row_input(
    header: &[Option<&'static str>],
    record: &csv::StringRecord,
    decimal_comma: bool,
) -> Option<ProductInput> {
    let mut input = ProductInput::default();
    let mut substantive = false;
    for (field, cell) in header.iter().zip(record.iter()) {
        let Some(field) = field else { continue };
        let mut value = unprotect(cell.trim()).to_owned();
        if decimal_comma && matches!(*field, "unit_price" | "cost_price") {
            value = comma_as_point(&value);
        }
        if matches!(*field, "name" | "sku" | "fmsi_number" | "unit_price") && !value.is_empty() {
            substantive = true;
        }
        let slot = match *field {
            "name" => &mut input.name,
            "sku" => &mut input.sku,
            "category" => &mut input.category,
            "unit_of_measure" => &mut input.unit_of_measure,
            "brand" => &mut input.brand,
            "part_number" => &mut input.part_number,
            "fmsi_number" => &mut input.fmsi_number,
            "product_type" => &mut input.product_type,
            "application" => &mut input.application,
            "position" => &mut input.position,
            "description" => &mut input.description,
            "unit_price" => &mut input.unit_price,
            "cost_price" => &mut input.cost_price,
            // An empty "active" cell means "leave as it is", not "inactive".
            "is_active" if value.is_empty() => continue,
            "is_active" => &mut input.is_active,
            _ => continue,
        };
        *slot = Some(value);
    }
    substantive.then_some(input)
}

/// "1,50" → "1.50": files separated by semicolons come from locales that write a decimal
/// comma. A comma followed by three digits ("1,250") stays a thousands separator.
fn comma_as_point(value: &str) -> String {
    match value.split_once(',') {
        Some((whole, decimals))
            if !value.contains('.')
                && (1..=2).contains(&decimals.len())
                && decimals.chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{whole}.{decimals}")
        }
        _ => value.to_owned(),
    }
}

/// A cell the export protected from spreadsheet formulas ("'=x") without its apostrophe.
fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// "FMSI - POSITION (application…)", the original's name for products imported without one.
pub fn derived_name(input: &ProductInput) -> Option<String> {
    let get = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let (fmsi, position, application) = (
        get(&input.fmsi_number),
        get(&input.position),
        get(&input.application),
    );
    let mut name = [fmsi, position]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" - ");
    if !application.is_empty() {
        let short: String = application.chars().take(80).collect();
        let more = if application.chars().count() > 80 {
            "…"
        } else {
            ""
        };
        name = format!("{name} ({short}{more})").trim().to_owned();
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_ignoring_case_spaces_and_punctuation() {
        let file =
            parse(b"Name,SKU,Unit Price,Cost price,Part #,Colour\nPad,bp-1,12.50,8,X1,red\n");
        let file = file.unwrap_or_default();
        assert_eq!(file.rows.len(), 1);
        let input = &file.rows[0].input;
        assert_eq!(input.unit_price.as_deref(), Some("12.50"));
        assert_eq!(input.cost_price.as_deref(), Some("8"));
        assert_eq!(
            input.part_number.as_deref(),
            Some("X1"),
            "“Part #” is the part number"
        );
        assert_eq!(file.ignored, ["Colour"]);
        assert_eq!(file.rows[0].row, 2);
        assert_eq!(file.header_of("unit_price"), "Unit Price");
    }

    #[test]
    fn the_originals_sheet_layout_is_understood_below_a_title_row() {
        let csv = "Price list 2026;;;;;;\nNO.;MAKE;PRODUCT;FMSI;APPLICATION;POSITION;PRICE\n\
                   ;TOYOTA;;;;;\n1;Bosch;BRAKEPAD;D1234;Corolla 2010;FRONT;1,250.00\n";
        let file = parse(csv.as_bytes()).unwrap_or_default();
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.skipped, 1, "the brand heading row");
        let input = &file.rows[0].input;
        assert_eq!(input.brand.as_deref(), Some("Bosch"));
        assert_eq!(input.product_type.as_deref(), Some("BRAKEPAD"));
        assert_eq!(input.unit_price.as_deref(), Some("1,250.00"));
        assert_eq!(file.rows[0].row, 4);
        assert_eq!(
            derived_name(input).as_deref(),
            Some("D1234 - FRONT (Corolla 2010)")
        );
    }

    #[test]
    fn unreadable_files_get_one_clear_sentence() {
        assert!(
            parse(b"hello,world\n1,2\n")
                .unwrap_err()
                .starts_with("No header row")
        );
        assert!(
            parse(b"name,sku\nPad,1\n")
                .unwrap_err()
                .contains("no price column")
        );
        assert!(
            parse(b"name,price\n")
                .unwrap_err()
                .contains("no product rows")
        );
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(parse(&big).unwrap_err().contains("5 MB"));
        let mut many = String::from("name,price\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("p{i},1\n"));
        }
        assert!(
            parse(many.as_bytes())
                .unwrap_err()
                .contains("more than 20,000 rows")
        );
    }

    #[test]
    fn semicolon_files_may_write_a_decimal_comma() {
        let file = parse(b"name;price;cost\nPad;1,50;1,250\n").unwrap_or_default();
        assert_eq!(file.rows[0].input.unit_price.as_deref(), Some("1.50"));
        assert_eq!(file.rows[0].input.cost_price.as_deref(), Some("1,250"));
    }

    #[test]
    fn latin1_files_are_read() {
        let file = parse(b"name,price\nJo\xe3o's pad,1\n").unwrap_or_default();
        assert_eq!(file.rows[0].input.name.as_deref(), Some("João's pad"));
    }
}
