"""Coordinates: numbers in range, no (0, 0), and latitude and longitude the right way round.

A latitude beyond ±90 or a longitude beyond ±180 is dropped with a warning: the
service is still worth listing without a map pin (the official HSDS examples carry
latitude 100). (0, 0) is a placeholder, not a place: dropped too. A pair that lies outside the instance's country
but inside it once swapped (lat -1.06, lon 52.4 in a GB feed) is swapped back.
"""

from __future__ import annotations

from directory.sync.normalise.context import Notes, shown
from directory.sync.normalise.fields import to_number

# Rough boxes (south, north, west, east) around each country's main territory.
BOUNDING_BOXES: dict[str, tuple[float, float, float, float]] = {
    "GB": (49.8, 61.0, -8.7, 1.8),
    "IE": (51.4, 55.4, -10.7, -5.9),
    "FR": (41.3, 51.1, -5.2, 9.6),
    "DE": (47.2, 55.1, 5.8, 15.1),
    "ES": (35.9, 43.8, -9.4, 4.4),
    "PT": (36.9, 42.2, -9.6, -6.1),
    "IT": (35.4, 47.1, 6.6, 18.6),
    "NL": (50.7, 53.6, 3.3, 7.3),
    "BE": (49.5, 51.6, 2.5, 6.5),
    "LU": (49.4, 50.2, 5.7, 6.6),
    "CH": (45.8, 47.9, 5.9, 10.5),
    "AT": (46.3, 49.1, 9.5, 17.2),
    "DK": (54.5, 57.8, 8.0, 15.2),
    "SE": (55.3, 69.1, 11.0, 24.2),
    "NO": (57.9, 71.2, 4.5, 31.2),
    "FI": (59.7, 70.1, 20.5, 31.6),
    "PL": (49.0, 54.9, 14.1, 24.2),
    "CZ": (48.5, 51.1, 12.1, 18.9),
    "GR": (34.8, 41.8, 19.3, 29.7),
    "TR": (35.8, 42.1, 25.6, 44.8),
    "UA": (44.3, 52.4, 22.1, 40.2),
    "US": (24.4, 49.4, -124.8, -66.9),
    "CA": (41.6, 83.2, -141.0, -52.6),
    "AU": (-43.7, -10.6, 113.3, 153.7),
    "NZ": (-47.3, -34.4, 166.4, 178.6),
    "JO": (29.1, 33.4, 34.9, 39.3),
    "LB": (33.0, 34.7, 35.1, 36.7),
    "KE": (-4.7, 5.0, 33.9, 41.9),
}


def normalise_coordinates(location: dict, region: str, notes: Notes, path: str) -> dict:
    location = dict(location)
    if "latitude" not in location and "longitude" not in location:
        return location
    lat, lon = to_number(location.get("latitude")), to_number(location.get("longitude"))
    if lat is None or lon is None:
        missing = [name for name, v in (("latitude", lat), ("longitude", lon)) if v is None]
        notes.warn(path, f"{' and '.join(missing)} missing or not a number; coordinates dropped")
        return _without_coordinates(location)
    if lat == 0 and lon == 0:
        notes.warn(path, "coordinates (0, 0) are a placeholder; dropped")
        return _without_coordinates(location)
    box = BOUNDING_BOXES.get((region or "").upper())
    if box and not _inside(box, lat, lon) and _inside(box, lon, lat):
        notes.warn(path, f"latitude {lat} and longitude {lon} were swapped; swapped back")
        lat, lon = lon, lat
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        notes.warn(
            path,
            f"coordinates ({shown(location.get('latitude'))}, {shown(location.get('longitude'))}) are out of range"
            " (latitude -90 to 90, longitude -180 to 180); dropped",
        )
        return _without_coordinates(location)
    location["latitude"], location["longitude"] = lat, lon
    return location


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    south, north, west, east = box
    return south <= lat <= north and west <= lon <= east


def _without_coordinates(location: dict) -> dict:
    return {k: v for k, v in location.items() if k not in ("latitude", "longitude")}
