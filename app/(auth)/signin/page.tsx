import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "./signin-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signInMetaTitle") };
}

type Props = { searchParams: Promise<{ signedOut?: string | string[] }> };

/** `?signedOut=ended|deleted`: this browser was signed out from elsewhere, or its account deleted (app/lib/sign-out.ts). */
export default async function SignInPage({ searchParams }: Props) {
  const { signedOut } = await searchParams;
  const because = signedOut === "ended" || signedOut === "deleted" ? signedOut : undefined;
  return <SignInForm signedOut={because} />;
}
