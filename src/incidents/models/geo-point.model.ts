import { Field, Float, InputType, ObjectType } from '@nestjs/graphql';
import { IsNumber, Max, Min } from 'class-validator';

/** A WGS 84 position; shared by incidents, holdings and requests (import it, do not redeclare it). */
@ObjectType()
export class GeoPoint {
  @Field(() => Float)
  latitude: number;

  @Field(() => Float)
  longitude: number;

  /** A GeoPoint from a row's nullable latitude/longitude pair (the pair is all or nothing). */
  static fromColumns(latitude: number | null, longitude: number | null): GeoPoint | null {
    if (latitude === null || latitude === undefined || longitude === null || longitude === undefined) return null;
    return Object.assign(new GeoPoint(), { latitude: Number(latitude), longitude: Number(longitude) });
  }
}

@InputType()
export class GeoPointInput {
  @Field(() => Float, { description: '-90 to 90.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @Field(() => Float, { description: '-180 to 180.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;
}
