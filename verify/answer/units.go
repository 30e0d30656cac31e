package answer

import "strings"

// unitWords are units, currencies and counting nouns that follow a quantity
// without changing it: "15 cm", "28 percent", "5 dollars". A percent sign is
// dropped like a unit, as Math-Verify does: 28% and 28 are the same answer,
// 28% and 0.28 are not.
var unitWords = map[string]bool{
	"mm": true, "cm": true, "m": true, "km": true, "in": true, "inch": true, "inches": true, "ft": true,
	"foot": true, "feet": true, "yd": true, "yard": true, "yards": true, "mile": true, "miles": true,
	"meter": true, "meters": true, "metre": true, "metres": true, "centimeter": true, "centimeters": true,
	"millimeter": true, "millimeters": true, "kilometer": true, "kilometers": true, "mi": true,
	"mg": true, "g": true, "kg": true, "gram": true, "grams": true, "kilogram": true, "kilograms": true,
	"lb": true, "lbs": true, "pound": true, "pounds": true, "oz": true, "ounce": true, "ounces": true,
	"ton": true, "tons": true, "ml": true, "l": true, "liter": true, "liters": true, "litre": true,
	"litres": true, "gallon": true, "gallons": true, "cup": true, "cups": true,
	"s": true, "sec": true, "secs": true, "second": true, "seconds": true, "min": true, "mins": true,
	"minute": true, "minutes": true, "h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"day": true, "days": true, "week": true, "weeks": true, "month": true, "months": true,
	"year": true, "years": true, "mph": true, "kmh": true, "kph": true,
	"dollar": true, "dollars": true, "cent": true, "cents": true, "usd": true, "eur": true,
	"euro": true, "euros": true, "yuan": true, "rupees": true, "units": true, "unit": true,
	"sq": true, "square": true, "cubic": true, "degree": true, "degrees": true, "deg": true,
	"percent": true, "pct": true, "percentage": true, "percentages": true, "radians": true,
	"people": true, "persons": true, "students": true, "times": true, "ways": true, "points": true,
}

// isUnitWord reports a unit written as a plain word.
func isUnitWord(w string) bool { return unitWords[strings.ToLower(w)] }

// isUnitText reports prose that consists of units only ("cm", " square
// meters", "m^2"); blank prose counts too.
var unitSeparators = strings.NewReplacer("^2", " ", "^3", " ", "²", " ", "³", " ", ".", " ", "/", " ", "{", " ", "}", " ")

func isUnitText(s string) bool {
	s = unitSeparators.Replace(s)
	for _, w := range strings.Fields(s) {
		if !unitWords[strings.ToLower(w)] && w != "per" {
			return false
		}
	}
	return true
}
